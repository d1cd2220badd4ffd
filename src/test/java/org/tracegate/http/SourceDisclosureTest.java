package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.config.AliasMapping;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.InterpreterMapping;

/**
 * No configuration makes Tracegate send a mapped script's source: an interpreter mapping applies wherever a file
 * is served (document root, aliases, mixed CGI directories, index files); an unmapped script is refused, never
 * sent as text; a missing interpreter is 502.3. Every script here holds a password that must never appear.
 */
class SourceDisclosureTest {
    static final String SECRET = "db_password_hunter2";
    static Path root;
    static Path alias;
    static Path mixed;

    @BeforeAll
    static void files() throws Exception {
        root = dir("root");
        alias = dir("alias");
        mixed = dir("mixed");
        String php = "<?php $password = '" + SECRET + "'; echo 'ran as php';";
        for (Path d : List.of(root, alias)) {
            Files.writeString(d.resolve("secret.php"), php);
            Files.writeString(d.resolve("index.php"), php);
            Files.writeString(d.resolve("tool.pl"), "#!/usr/bin/perl\n# " + SECRET + "\n");
            Files.writeString(d.resolve("note.txt"), "plain text\n");
        }
        Files.writeString(mixed.resolve("not-exec.cgi"), "#!/bin/sh\n# " + SECRET + "\n");
        Files.writeString(mixed.resolve("style.css"), "body{}\n");
    }

    static Path dir(String name) throws Exception {
        Path d = Files.createTempDirectory("tracegate-source-" + name + "-");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    static TestServer server(String phpCgi) throws Exception {
        return TestServer.start(c -> c.withDocumentRoot(root).withInterpreters(phpCgi == null ? List.of()
                        : List.of(new InterpreterMapping(".php", List.of(phpCgi), Set.of("GET", "HEAD", "POST"))))
                .withCgi(List.of(new CgiMapping("/mixed/", mixed, false).withHandlers(List.of(".cgi"))))
                .toBuilder().aliases(List.of(new AliasMapping("/alias/", alias, List.of(), List.of("index.html", "index.php"), null, null,
                        java.util.Map.of(), false))).index(List.of("index.php")).build());
    }

    static void neverTheSource(HttpResponse<String> r) {
        assertThat(r.body()).doesNotContain(SECRET).doesNotContain("<?php");
    }

    @Test
    void aMappedScriptRunsInTheDocumentRootInAnAliasAndAsAnIndex() throws Exception {
        try (TestServer ts = server("/usr/bin/php-cgi")) {
            for (String path : List.of("/secret.php", "/alias/secret.php", "/", "/alias/")) {
                HttpResponse<String> r = ts.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                assertThat(r.body()).as(path).isEqualTo("ran as php");
                neverTheSource(r);
            }
            assertThat(ts.get("/note.txt").body()).isEqualTo("plain text\n");
        }
    }

    @Test
    void aScriptNoInterpreterMapsIsRefusedNotSent() throws Exception {
        try (TestServer ts = server(null)) {
            for (String path : List.of("/secret.php", "/alias/secret.php", "/tool.pl", "/alias/tool.pl", "/")) {
                HttpResponse<String> r = ts.get(path);
                assertThat(r.statusCode()).as(path).isEqualTo(403);
                assertThat(r.body()).as(path).contains("403.1");
                neverTheSource(r);
            }
            var head = ts.send(ts.request("/secret.php").method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()));
            assertThat(head.statusCode()).isEqualTo(403);
            var range = ts.send(ts.request("/alias/secret.php").header("Range", "bytes=0-100"));
            assertThat(range.statusCode()).isEqualTo(403);
            neverTheSource(range);
        }
    }

    @Test
    void aMappedScriptWhoseInterpreterIsMissingIs502_3() throws Exception {
        try (TestServer ts = server("/nonexistent/php-cgi")) {
            HttpResponse<String> r = ts.send(ts.request("/secret.php").header("Accept", "application/json"));
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("\"statusCode\":\"502.3\"").contains("ENOENT");
            neverTheSource(r);
        }
    }

    @Test
    void aHandlerFileThatIsNotExecutableIsRefusedAndStaticFilesBesideProgramsAreServed() throws Exception {
        try (TestServer ts = server(null)) {
            HttpResponse<String> r = ts.get("/mixed/not-exec.cgi");
            assertThat(r.statusCode()).isEqualTo(403);
            neverTheSource(r);
            HttpResponse<String> css = ts.get("/mixed/style.css");
            assertThat(css.statusCode()).isEqualTo(200);
            assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
            assertThat(css.headers().firstValue("ETag")).isPresent();
            assertThat(css.headers().firstValue("Last-Modified")).isPresent();
        }
    }
}
