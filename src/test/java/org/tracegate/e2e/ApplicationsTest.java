package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.AliasMapping;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.ConfigLoader;
import org.tracegate.config.ServerConfig;
import org.tracegate.http.TestServer;

/**
 * The five ready configurations of examples/, loaded as they are, against Debian's own packages (cgit, gitweb,
 * dokuwiki, adminer, git): each page answers, and so does everything a browser would fetch for it. Only where a
 * test needs repositories of its own is one environment variable pointed at them (CGIT_CONFIG, GITWEB_CONFIG,
 * GIT_PROJECT_ROOT); every mapping is the example's.
 */
class ApplicationsTest {
    static final Path EXAMPLES = Path.of("examples").toAbsolutePath();
    static Path repos;

    @BeforeAll
    static void aRepository(@TempDir Path tmp) throws Exception {
        for (String p : List.of("/usr/lib/cgit/cgit.cgi", "/usr/share/gitweb/gitweb.cgi", "/usr/share/dokuwiki/doku.php",
                "/etc/adminer/conf.php", "/usr/lib/git-core/git-http-backend", "/usr/bin/php-cgi")) {
            assertThat(Path.of(p)).as("Debian's packages (bin/test installs cgit gitweb dokuwiki adminer git php-cgi)").exists();
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        repos = Files.createDirectories(tmp.resolve("repos"));
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        git(seed, "init", "-q", "-b", "main");
        Files.writeString(seed.resolve("README"), "An example repository for the application tests.\n");
        Files.createDirectories(seed.resolve("src"));
        Files.writeString(seed.resolve("src/hello.c"), "int main(void) { return 0; }\n");
        git(seed, "add", ".");
        git(seed, "-c", "user.name=Tracegate", "-c", "user.email=t@tracegate.invalid", "commit", "-q", "-m", "First commit");
        git(tmp, "clone", "-q", "--bare", seed.toString(), repos.resolve("demo.git").toString());
        Files.writeString(repos.resolve("demo.git/description"), "The demo repository\n");
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Exec.Result r = Exec.run(dir, Map.of("HOME", dir.toString()), Duration.ofSeconds(60), cmd);
        assertThat(r.exitCode()).as("%s", r).isZero();
    }

    /** examples/NAME.toml as it is, with {@code env} set for its mappings' programs (over what the file sets). */
    static ServerConfig example(String name, Map<String, String> env) throws Exception {
        ServerConfig c = ConfigLoader.load(EXAMPLES.resolve(name));
        List<CgiMapping> cgi = c.cgi().stream().map(m -> m.withEnvironment(over(m.environment(), env))).toList();
        List<AliasMapping> aliases = c.aliases().stream().map(m -> new AliasMapping(m.prefix(), m.directory(), m.handlers(),
                m.index(), m.user(), m.limits(), over(m.environment(), env), m.followSymlinks())).toList();
        return c.toBuilder().cgi(cgi).aliases(aliases).build();
    }

    private static Map<String, String> over(Map<String, String> mine, Map<String, String> env) {
        Map<String, String> m = new LinkedHashMap<>(mine);
        for (var e : env.entrySet()) if (m.containsKey(e.getKey())) m.put(e.getKey(), e.getValue());
        return m;
    }

    static URI uri(TestServer ts, String path) { return ts.uri(path); }

    @Test
    void cgitSummaryLogAndTreeWithItsCssAndLogo(@TempDir Path tmp) throws Exception {
        Path cgitrc = tmp.resolve("cgitrc");
        // The package's own /etc/cgitrc (css and logo under /cgit-css/), plus the test's repository.
        Files.writeString(cgitrc, "include=/etc/cgitrc\nvirtual-root=/cgit/\nrepo.url=demo\nrepo.path=" + repos.resolve("demo.git")
                + "\nrepo.desc=The demo repository\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestServer ts = TestServer.startWith(example("cgit.toml", Map.of("CGIT_CONFIG", cgitrc.toString())))) {
            HttpClient c = ts.client;
            var index = Assets.assertAllOk(c, uri(ts, "/cgit/"), 2);
            assertThat(index.get(uri(ts, "/cgit/")).body()).contains("demo", "The demo repository");
            assertThat(index.get(uri(ts, "/cgit-css/cgit.css")).contentType()).startsWith("text/css");
            assertThat(index.get(uri(ts, "/cgit-css/cgit.png")).contentType()).startsWith("image/png");
            assertThat(Assets.assertAllOk(c, uri(ts, "/cgit/demo/"), 2).get(uri(ts, "/cgit/demo/")).body())
                    .contains("The demo repository", "First commit", "main");
            assertThat(Assets.assertAllOk(c, uri(ts, "/cgit/demo/log/"), 2).get(uri(ts, "/cgit/demo/log/")).body())
                    .contains("First commit");
            assertThat(Assets.assertAllOk(c, uri(ts, "/cgit/demo/tree/"), 2).get(uri(ts, "/cgit/demo/tree/")).body())
                    .contains("README").contains("src");
            HttpResponse<String> bare = ts.get("/cgit");
            assertThat(bare.statusCode()).isEqualTo(301);
            assertThat(bare.headers().firstValue("Location")).hasValue("/cgit/");
        }
    }

    @Test
    void gitwebWithItsStaticFiles(@TempDir Path tmp) throws Exception {
        Path conf = tmp.resolve("gitweb.conf");
        Files.writeString(conf, "do '/etc/gitweb.conf';\n$projectroot = '" + repos + "';\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestServer ts = TestServer.startWith(example("gitweb.toml", Map.of("GITWEB_CONFIG", conf.toString())))) {
            var list = Assets.assertAllOk(ts.client, uri(ts, "/gitweb/"), 3);
            assertThat(list.get(uri(ts, "/gitweb/")).body()).contains("demo.git", "The demo repository");
            assertThat(list.keySet()).contains(uri(ts, "/gitweb/static/gitweb.css"), uri(ts, "/gitweb/static/git-logo.png"));
            var summary = Assets.assertAllOk(ts.client, uri(ts, "/gitweb/?p=demo.git;a=summary"), 3);
            assertThat(summary.get(uri(ts, "/gitweb/?p=demo.git;a=summary")).body()).contains("First commit");
        }
    }

    @Test
    void dokuwikisStartPageAndEverythingItReferencesButNotItsDataOrConf() throws Exception {
        try (TestServer ts = TestServer.startWith(example("dokuwiki.toml", Map.of()))) {
            var start = Assets.assertAllOk(ts.client, uri(ts, "/dokuwiki/"), 5);
            assertThat(start.get(uri(ts, "/dokuwiki/")).body()).contains("DokuWiki");
            assertThat(start.keySet()).anyMatch(u -> u.getPath().endsWith(".png") || u.getPath().endsWith(".svg")
                    || u.getPath().endsWith(".ico"));
            for (String denied : List.of("/dokuwiki/data/pages/start.txt", "/dokuwiki/conf/local.php", "/dokuwiki/bin/",
                    "/dokuwiki/inc/init.php", "/dokuwiki/.htaccess")) {
                HttpResponse<String> r = ts.get(denied);
                assertThat(r.statusCode()).as(denied).isEqualTo(403);
                assertThat(r.body()).as(denied).contains("403.8").doesNotContain("<?php");
            }
            assertThat(ts.server.programSummary()).anyMatch(l -> l.contains("under /dokuwiki/ run as www-data"));
        }
    }

    @Test
    void adminersLoginPageAtItsDirectory() throws Exception {
        try (TestServer ts = TestServer.startWith(example("adminer.toml", Map.of()))) {
            var login = Assets.assertAllOk(ts.client, uri(ts, "/adminer/"), 1);
            assertThat(login.get(uri(ts, "/adminer/")).body()).contains("Login - Adminer").doesNotContain("<?php");
            HttpResponse<String> bare = ts.get("/adminer");
            assertThat(bare.statusCode()).isEqualTo(301);
            assertThat(bare.headers().firstValue("Location")).hasValue("/adminer/");
        }
    }

    @Test
    void gitCloneAndPushThroughGitHttpBackendWithOnlyItAllowed(@TempDir Path tmp) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        git(tmp, "clone", "-q", "--bare", repos.resolve("demo.git").toString(), root.resolve("demo.git").toString());
        git(root.resolve("demo.git"), "config", "http.receivepack", "true");
        chownNobody(root.resolve("demo.git"));
        ServerConfig c = example("git-http-backend.toml", Map.of("GIT_PROJECT_ROOT", root.toString()));
        assertThat(c.restrictions().enabled()).isTrue();
        assertThat(c.restrictions().allowed()).containsExactly(Path.of("/usr/lib/git-core/git-http-backend"));
        try (TestServer ts = TestServer.startWith(c)) {
            Path clone = tmp.resolve("clone");
            Map<String, String> env = new HashMap<>(Map.of("HOME", tmp.toString(), "GIT_TERMINAL_PROMPT", "0"));
            Exec.Result r = Exec.run(tmp, env, Duration.ofSeconds(60),
                    List.of("git", "clone", "-q", ts.uri("/git/demo.git").toString(), clone.toString()));
            assertThat(r.exitCode()).as("%s", r).isZero();
            Files.writeString(clone.resolve("PUSHED"), "through Tracegate\n");
            git(clone, "add", "PUSHED");
            git(clone, "-c", "user.name=T", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "Pushed");
            Exec.Result push = Exec.run(clone, env, Duration.ofSeconds(60), List.of("git", "push", "-q", "origin", "main"));
            assertThat(push.exitCode()).as("%s", push).isZero();
            Exec.Result log = Exec.run(root.resolve("demo.git"), env, Duration.ofSeconds(30),
                    List.of("git", "-c", "safe.directory=*", "log", "--format=%s", "main"));
            assertThat(log.stdout()).startsWith("Pushed\n");
            assertThat(ts.get("/cgi-bin/anything").statusCode()).as("nothing else is mapped").isEqualTo(404);
        }
    }

    private static void chownNobody(Path dir) throws Exception {
        var users = dir.getFileSystem().getUserPrincipalLookupService();
        var nobody = users.lookupPrincipalByName("nobody");
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.setOwner(p, nobody);
        }
    }
}
