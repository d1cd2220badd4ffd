package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tracegate.config.InterpreterMapping;
import org.tracegate.http.TestServer;

/** PHP through {@code /usr/bin/php-cgi} by the ".php" interpreter mapping (the demo's info.php and fixtures). */
class PhpCgiTest {
    private static final Path PHP_CGI = Path.of("/usr/bin/php-cgi");
    @RegisterExtension
    static final TestServer server = TestServer.fixture(c -> c.withInterpreters(List.of(
            new InterpreterMapping(".php", List.of(PHP_CGI.toString()), Set.of("GET", "POST", "HEAD")))));
    private static String phpVersion;

    @BeforeAll
    static void start() throws Exception {
        assertThat(PHP_CGI).isExecutable();
        // "PHP 8.2.36 (cgi-fcgi) (built: ...)": the version info.php must show.
        Exec.Result v = Exec.run(Path.of("."), Map.of(), Duration.ofSeconds(20), List.of(PHP_CGI.toString(), "-v"));
        Matcher m = Pattern.compile("^PHP (\\S+) \\(cgi").matcher(v.stdout());
        assertThat(m.find()).as("php-cgi -v: %s", v).isTrue();
        phpVersion = m.group(1);
    }

    /**
     * CVE-2012-1823: a query without '=' passed as php-cgi's argv makes {@code ?-s} show the script's source and
     * {@code ?-d+...} set ini options. The argv is fixed (interpreter, script): the query never becomes arguments.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"-s", "-s+x", "-d+allow_url_include%3d1+-d+auto_prepend_file%3dphp://input"})
    void aQueryIsNeverArgvSoPhpCgiNeverShowsTheSource(String query) throws Exception {
        HttpResponse<String> r = server.get("/demo/info.php?" + query);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("&lt;?php").doesNotContain("<?php").doesNotContain("htmlspecialchars")
                .contains("<h1>info.php (PHP via php-cgi)</h1>");
    }

    @Test
    void infoPhpGetShowsTheVersionAndQuery() throws Exception {
        HttpResponse<String> r = server.get("/demo/info.php?colour=blue");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body())
                .doesNotContain("Security Alert") // php-cgi's answer when REDIRECT_STATUS is missing
                .contains("<h1>info.php (PHP via php-cgi)</h1>")
                .contains("<tr><th>PHP version</th><td>" + phpVersion + "</td></tr>")
                .contains("<tr><th>SAPI</th><td>cgi-fcgi</td></tr>")
                .contains("<tr><th>REQUEST_METHOD</th><td>GET</td></tr>")
                .contains("<tr><th>SCRIPT_NAME</th><td>/demo/info.php</td></tr>")
                .contains("<tr><td>colour</td><td>blue</td></tr>");
    }

    @Test
    void infoPhpPostEchoesTheFormEscaped() throws Exception {
        String form = "message=" + URLEncoder.encode("<b>hi</b> & \"co\"", StandardCharsets.UTF_8) + "&n=42";
        HttpResponse<String> r = server.send(server.request("/demo/info.php?from=form")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(r.statusCode()).isEqualTo(200);
        String post = r.body().substring(r.body().indexOf("<h2>$_POST</h2>"));
        assertThat(r.body()).contains("<tr><th>REQUEST_METHOD</th><td>POST</td></tr>")
                .contains("<tr><td>from</td><td>form</td></tr>");
        assertThat(post).contains("<tr><td>message</td><td>&lt;b&gt;hi&lt;/b&gt; &amp; &quot;co&quot;</td></tr>")
                .contains("<tr><td>n</td><td>42</td></tr>")
                .doesNotContain("<b>hi</b>");
    }

    @Test
    void headGetsTheHeadersWithoutABody() throws Exception {
        HttpResponse<String> r = server.send(server.request("/demo/info.php")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void verbOutsideTheMappingIs405() throws Exception {
        HttpResponse<String> r = server.send(server.request("/demo/info.php").method("DELETE", HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).doesNotContain("PHP version");
    }

    @Test
    void rawStatusHeader404IsRelayedWithItsBody() throws Exception {
        HttpResponse<String> r = server.get("/t/php-status-404.php");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("php says: no such widget (Status header)\n");
    }

    @Test
    void httpResponseCode404IsRelayedWithItsBody() throws Exception {
        HttpResponse<String> r = server.get("/t/php-response-code-404.php");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo("php says: no such widget (http_response_code)\n");
    }

    @Test
    void fatalErrorIsPhpsOwn500WithItsBodyAndStderrLogged() throws Exception {
        // php-cgi answers a complete "Status: 500" head, the output so far as the body, then exits 255.
        // That is a complete CGI response: the server relays it and does not turn it into a 502 page.
        HttpResponse<String> r = server.get("/t/php-fatal.php");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("output before the fatal error\n")
                .doesNotContain("HTTP Error");
        String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
        // The operator still learns why: php-cgi's stderr goes to error.log under the request id.
        String log = awaitLog(requestId, "Call to undefined function tracegate_no_such_function()");
        assertThat(log).contains("PHP Fatal error");
    }

    /** Polls error.log (bounded) until a line with the request id contains the text; returns those lines. */
    private static String awaitLog(String requestId, String text) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String lines = "";
        while (System.nanoTime() < end) {
            Path f = server.logDir.resolve("error.log");
            if (Files.exists(f)) {
                lines = String.join("\n", Files.readAllLines(f).stream().filter(l -> l.contains("[" + requestId + "]")).toList());
                if (lines.contains(text)) return lines;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("error.log has no line for request " + requestId + " containing '" + text + "'; lines: " + lines);
    }
}
