package org.tracegate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [[site]]: name-based virtual hosts, each with its own mappings; the first also answers unnamed hosts. */
class VirtualSiteConfigTest {
    @TempDir Path dir;
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("a/www"));
        Files.createDirectories(dir.resolve("b/cgi-bin"));
        file = dir.resolve("t.toml");
    }

    @Test
    void eachSiteHasItsOwnMappingsAndTheServerWideSettingsAreShared() throws Exception {
        Files.writeString(file, """
                listen = ["127.0.0.1:8080"]

                [limits]
                headerTimeoutSeconds = 7

                [[site]]
                hosts = ["www.example.com", "Example.COM"]
                documentRoot = "a/www"
                index = ["index.php"]

                [[site]]
                hosts = ["*.git.example.com"]
                [[site.cgi]]
                prefix = "/cgi-bin/"
                directory = "b/cgi-bin"
                [[site.deny]]
                prefix = "/cgi-bin/private/"
                """);
        ServerConfig c = ConfigLoader.load(file);
        assertThat(c.sites()).hasSize(2);
        VirtualSite a = c.sites().get(0), b = c.sites().get(1);
        assertThat(a.id()).isEqualTo(1);
        assertThat(a.hosts()).containsExactly("www.example.com", "example.com");
        assertThat(a.config().documentRoot()).isEqualTo(dir.resolve("a/www"));
        assertThat(a.config().index()).containsExactly("index.php");
        assertThat(a.config().cgi()).isEmpty();
        assertThat(b.config().cgi()).singleElement().extracting(CgiMapping::prefix).isEqualTo("/cgi-bin/");
        assertThat(b.config().deny()).hasSize(1);
        assertThat(b.config().documentRoot()).isNull();
        assertThat(b.config().limits().headerTimeout().toSeconds()).isEqualTo(7);
        // The top level's own mappings are the first site's, for everything that reads them.
        assertThat(c.documentRoot()).isEqualTo(a.config().documentRoot());
        assertThat(c.siteList()).isEqualTo(c.sites());
        assertThat(b.answers("repo.git.example.com")).isTrue();
        assertThat(b.answers("git.example.com")).isFalse();
        assertThat(a.answers("EXAMPLE.com.")).isTrue();
    }

    @Test
    void withoutSitesTheConfigIsTheOnlySite() throws Exception {
        Files.writeString(file, "documentRoot = \"a/www\"\n");
        ServerConfig c = ConfigLoader.load(file);
        assertThat(c.sites()).isEmpty();
        assertThat(c.siteList()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(1);
            assertThat(s.config()).isSameAs(c);
        });
    }

    @Test
    void mistakesNameTheSiteTheLineAndTheKey() throws Exception {
        Files.writeString(file, """
                documentRoot = "a/www"

                [[site]]
                hosts = ["a.example"]

                [[site]]
                hosts = ["A.example", "not a host"]
                [[site.cgi]]
                prefix = "cgi-bin"
                directory = "b/cgi-bin"

                [[site]]
                documentRoot = "a/www"
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e.problems()).extracting(ConfigProblem::line, ConfigProblem::key).containsExactly(
                tuple(1, "documentRoot"),
                tuple(7, "site[1].hosts[0]"),
                tuple(7, "site[1].hosts[1]"),
                tuple(9, "site[1].cgi[0].prefix"),
                tuple(12, "site[2]"));
        assertThat(e.problems().get(0).problem()).contains("every mapping belongs to a site");
        assertThat(e.problems().get(1).problem()).contains("named by another [[site]]");
        assertThat(e.problems().get(4).problem()).contains("missing key 'hosts'");
    }

    @Test
    void aFastCgiApplicationAnInterpreterNamesMustBeInEverySite() throws Exception {
        Files.writeString(file, """
                [[interpreter]]
                extension = ".php"
                fastcgi = "php"

                [[site]]
                hosts = ["a.example"]
                documentRoot = "a/www"
                [[site.fastcgi]]
                name = "php"
                directory = "a/www"
                address = "unix:/run/php/php8.2-fpm.sock"

                [[site]]
                hosts = ["b.example"]
                documentRoot = "a/www"
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("interpreter[0].fastcgi");
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.problem()).contains("site[1] has no [[site.fastcgi]] named \"php\"");
        });
    }
}
