package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.ErrorMode;
import org.tracegate.config.InterpreterMapping;
import org.tracegate.config.Restrictions;

/** URL → program mapping, refusals before spawning, and the three error page forms. */
class MappingAndErrorPageTest {
    @RegisterExtension
    static final TestServer ts = TestServer.fixture(c -> c.withInterpreters(List.of(
            new InterpreterMapping(".pl", List.of("/usr/bin/perl"), Set.of("GET", "HEAD")))));

    @Test
    void missingFileAndDirectoryAre404_0() throws Exception {
        HttpResponse<String> r = ts.get("/t/no-such-program");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("HTTP Error 404.0");
        assertThat(ts.get("/t/").body()).contains("HTTP Error 404.0");
        // A mapping's prefix named without its slash is sent to it, as Apache's RedirectMatch ^/cgit$ /cgit/ does.
        HttpResponse<String> bare = ts.get("/t?x=1");
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).hasValue("/t/?x=1");
    }

    @Test
    void notExecutableWithoutMappingIs403_1AndSourceIsNeverShown() throws Exception {
        HttpResponse<String> r = ts.get("/demo/not-executable.sh");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("HTTP Error 403.1").doesNotContain("SECRET");
    }

    @Test
    void interpreterMappingRunsNonExecutableScriptsAndChecksVerbs() throws Exception {
        HttpResponse<String> r = ts.get("/t/interp.pl");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("perl via mapping: /t/interp.pl\n");
        HttpResponse<String> post = ts.send(ts.request("/t/interp.pl").POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")));
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void allowListRefusesWith404_2() throws Exception {
        Path hello = TestServer.DEMO.resolve("hello.sh");
        try (TestServer t = TestServer.start(c -> c.withRestrictions(new Restrictions(true, Set.of(hello))))) {
            assertThat(t.get("/demo/hello.sh").statusCode()).isEqualTo(200);
            HttpResponse<String> r = t.get("/demo/not-on-allow-list.sh");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("HTTP Error 404.2");
        }
    }

    @Test
    void traversalAndEncodedSeparatorsNeverRunAnything() throws Exception {
        for (String path : List.of("/t/../t/env.sh", "/t/%2e%2e/cgi-bin/env.sh", "/t/x%2Fenv.sh", "/t/env.sh%00",
                "/t/..%5Cenv.sh", "/t/%2e%2e%2f%2e%2e%2fetc/passwd")) {
            String raw = ts.raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(raw).as(path).doesNotStartWith("HTTP/1.1 200").doesNotContain("env-GATEWAY_INTERFACE");
            assertThat(Integer.parseInt(raw.substring(9, 12))).as(path).isBetween(400, 404);
        }
    }

    @Test
    void symlinkOutOfTheDirectoryIsRefused(@TempDir Path dir) throws Exception {
        Path cgi = Files.createDirectory(dir.resolve("cgi"));
        Files.createSymbolicLink(cgi.resolve("escape.sh"), TestServer.FIXTURES.resolve("env.sh"));
        try (TestServer t = TestServer.start(c -> c.withCgi(List.of(new CgiMapping("/s/", cgi, false))))) {
            HttpResponse<String> r = t.get("/s/escape.sh");
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).doesNotContain("env-");
        }
    }

    @Test
    void errorModesAndProblemJson() throws Exception {
        HttpResponse<String> detailed = ts.get("/demo/dies-before-headers.sh");
        assertThat(detailed.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(detailed.body()).contains("HTTP Error 502.2 - Bad Gateway").contains("Things you can try")
                .contains("Module").contains("CgiModule").contains("Handler").contains("CGI-exe");

        HttpResponse<String> json = ts.send(ts.request("/demo/dies-before-headers.sh").header("Accept", "application/json"));
        assertThat(json.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(json.body()).contains("\"status\":502").contains("\"statusCode\":\"502.2\"").contains("\"errorCode\":\"3\"")
                .contains("\"stderrTail\":\"about to fail: config file missing\\n\"");

        try (TestServer custom = TestServer.start(c -> c.withErrorMode(ErrorMode.CUSTOM))) {
            HttpResponse<String> g = custom.get("/demo/dies-before-headers.sh");
            assertThat(g.statusCode()).isEqualTo(502);
            assertThat(g.body()).contains("502 - Bad Gateway").doesNotContain("502.2").doesNotContain("config file missing")
                    .doesNotContain(TestServer.DEMO.toString());
            HttpResponse<String> gj = custom.send(custom.request("/demo/dies-before-headers.sh").header("Accept", "application/problem+json"));
            assertThat(gj.body()).contains("\"status\":502").doesNotContain("502.2").doesNotContain("stderr");
        }
    }

    @Test
    void substatusNeverReachesTheStatusLine() throws Exception {
        String raw = ts.raw("GET /demo/dies-before-headers.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(raw.lines().findFirst().orElseThrow()).isEqualTo("HTTP/1.1 502 Bad Gateway");
    }
}
