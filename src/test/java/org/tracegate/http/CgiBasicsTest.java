package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The request and response sides of RFC 3875 through real HTTP against real programs. */
class CgiBasicsTest {
    @RegisterExtension
    static final TestServer ts = TestServer.fixture();

    static Map<String, String> env(String body) {
        Map<String, String> m = new HashMap<>();
        for (String line : body.split("\n")) {
            if (!line.startsWith("env-")) continue;
            int eq = line.indexOf('=');
            m.put(line.substring(4, eq), line.substring(eq + 1));
        }
        return m;
    }

    @Test
    void documentResponseAndMetaVariables() throws Exception {
        HttpResponse<String> r = ts.send(ts.request("/t/env.sh/extra/p%20ath?a=1&b=%20x")
                .header("X-Custom", "one").header("Cookie", "c=1").header("Proxy", "http://evil")
                .header("Authorization", "Basic Zm9vOmJhcg=="));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
        Map<String, String> env = env(r.body());
        assertThat(env).containsEntry("GATEWAY_INTERFACE", "CGI/1.1")
                .containsEntry("REQUEST_METHOD", "GET")
                .containsEntry("SCRIPT_NAME", "/t/env.sh")
                .containsEntry("PATH_INFO", "/extra/p ath")
                .containsEntry("QUERY_STRING", "a=1&b=%20x")
                .containsEntry("REQUEST_URI", "/t/env.sh/extra/p%20ath?a=1&b=%20x")
                .containsEntry("SERVER_PROTOCOL", "HTTP/1.1")
                .containsEntry("SERVER_NAME", "127.0.0.1")
                .containsEntry("SERVER_PORT", Integer.toString(ts.port()))
                .containsEntry("REMOTE_ADDR", "127.0.0.1")
                .containsEntry("SCRIPT_FILENAME", TestServer.FIXTURES.resolve("env.sh").toString())
                .containsEntry("HTTP_X_CUSTOM", "one")
                .containsEntry("HTTP_COOKIE", "c=1")
                .containsEntry("REDIRECT_STATUS", "200")
                .containsKey("REMOTE_PORT").containsKey("PATH").containsKey("PATH_TRANSLATED")
                .doesNotContainKey("AUTH_TYPE");
        assertThat(env).doesNotContainKeys("HTTP_PROXY", "HTTP_AUTHORIZATION", "CONTENT_LENGTH", "CONTENT_TYPE", "HOME", "HTTPS");
        assertThat(env.get("PATH_TRANSLATED")).endsWith("/extra/p ath");
        // cwd is the script's directory
        assertThat(ts.get("/t/env.sh").body()).contains("env-PWD=" + TestServer.FIXTURES);
    }

    @Test
    void queryStringAlwaysSetAndServerProtocolAsSpoken() throws Exception {
        String raw = ts.raw("GET /t/env.sh HTTP/1.0\r\nHost: example.test:81\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 200"); // Jetty answers with its own version, as RFC 9110 allows
        assertThat(raw).contains("env-QUERY_STRING=\n").contains("env-SERVER_PROTOCOL=HTTP/1.0\n")
                .contains("env-SERVER_NAME=example.test\n").doesNotContain("Transfer-Encoding");
    }

    @Test
    void postBodyStreamsToStdinWithContentVariables() throws Exception {
        // Java's HttpClient reads the response only after sending the body, so an echo larger than the
        // socket and pipe buffers would deadlock in any CGI host; 256 KiB fits.
        byte[] body = new byte[256 * 1024 + 17];
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 31);
        HttpResponse<byte[]> r = ts.client.send(ts.request("/t/echo-body.sh").header("Content-Type", "application/x-test")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Arrays.equals(r.body(), body)).isTrue();
        HttpResponse<String> e = ts.send(ts.request("/t/env.sh").header("Content-Type", "text/x-y")
                .POST(HttpRequest.BodyPublishers.ofString("abc")));
        assertThat(env(e.body())).containsEntry("CONTENT_LENGTH", "3").containsEntry("CONTENT_TYPE", "text/x-y")
                .doesNotContainKeys("HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE");
    }

    @Test
    void writeBeforeReadAndNeverReadDoNotDeadlock() throws Exception {
        // A client that reads while it sends (as curl and browsers do): the program writes 1 MiB before
        // reading its 4 MiB stdin, so a host that pumped stdin before reading stdout would deadlock.
        int bodyLen = 4 * 1024 * 1024;
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(20_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    var out = s.getOutputStream();
                    out.write(("POST /t/write-before-read.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                            + bodyLen + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[65536];
                    for (int sent = 0; sent < bodyLen; sent += chunk.length) out.write(chunk);
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            writer.join();
            assertThat(all).startsWith("HTTP/1.1 200").endsWith(bodyLen + "\n"); // close-delimited: Connection: close
        }
        byte[] body = new byte[2 * 1024 * 1024];
        HttpResponse<String> n = ts.send(ts.request("/t/never-reads.sh").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(n.statusCode()).isEqualTo(200);
        assertThat(n.body()).isEqualTo("ignored your body\n");
    }

    @Test
    void chunkedRequestBodyIsSpooledSoContentLengthIsExact() throws Exception {
        String chunked = "POST /t/body-size.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        String raw = ts.raw(chunked);
        assertThat(raw).startsWith("HTTP/1.1 200").contains("CONTENT_LENGTH=11\n").contains("read=11\n");
        // Large enough to go past the in-memory threshold into a temp file.
        byte[] big = new byte[3 * 1024 * 1024];
        HttpResponse<String> r = ts.send(ts.request("/t/body-size.sh").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(big))));
        assertThat(r.body()).contains("CONTENT_LENGTH=" + big.length).contains("read=" + big.length);
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        try (TestServer small = TestServer.start(c -> c.withLimits(c.limits().withMaxRequestBody(1000)))) {
            HttpResponse<String> r = small.send(small.request("/t/body-size.sh").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1001])));
            assertThat(r.statusCode()).isEqualTo(413);
            String chunked = small.raw("POST /t/body-size.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "7d0\r\n" + "x".repeat(2000) + "\r\n0\r\n\r\n");
            assertThat(chunked).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void bodyStreamsBeforeTheProgramEnds() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.getOutputStream().write("GET /t/slow-body.sh HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            long start = System.nanoTime();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("first")) seen.append((char) in.read());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("first line before the program's 1 s pause ends").isLessThan(900);
        }
    }

    @Test
    void largeBodyRelaysCompletely() throws Exception {
        HttpResponse<InputStream> r = ts.client.send(ts.request("/t/big-body.sh?64").build(), HttpResponse.BodyHandlers.ofInputStream());
        long total = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) total += n;
        }
        assertThat(total).isEqualTo(64L * 1024 * 1024);
    }

    /**
     * Relay buffers are pooled and reused across requests: concurrent bodies with distinct bytes at every
     * offset must each arrive exactly, over HTTP/1.1 (chunked) and HTTP/1.0 (close-delimited).
     */
    @Test
    void concurrentBodiesArriveByteExactThroughReusedBuffers() throws Exception {
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 150_000; i++) expected.append(i).append('\n');
        var calls = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 6; i++) {
            calls.add(ts.client.sendAsync(ts.request("/t/seq-body.sh?150000").build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (var c : calls) assertThat(c.get(60, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo(expected.toString());
        String raw = ts.raw("GET /t/seq-body.sh?150000 HTTP/1.0\r\n\r\n");
        assertThat(raw.substring(raw.indexOf("\r\n\r\n") + 4)).isEqualTo(expected.toString());
    }

    @Test
    void headAnd204HaveNoBody() throws Exception {
        HttpResponse<String> h = ts.send(ts.request("/t/env.sh").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).isEmpty();
        String raw = ts.raw("GET /t/no-body-204.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 204").doesNotContain("must not be sent");
    }

    @Test
    void hopByHopHeadersAreDroppedAndStatusIsKept() throws Exception {
        HttpResponse<String> r = ts.get("/t/hop-by-hop.sh");
        assertThat(r.headers().firstValue("x-kept")).hasValue("yes");
        assertThat(r.headers().map()).doesNotContainKeys("keep-alive", "upgrade");
        assertThat(r.headers().firstValue("connection")).isEmpty();
        HttpResponse<String> s = ts.get("/t/status-reason.sh");
        assertThat(s.statusCode()).isEqualTo(299);
        assertThat(s.body()).isEqualTo("status body\n");
        HttpResponse<String> own = ts.get("/demo/status-404.sh");
        assertThat(own.statusCode()).isEqualTo(404);
        assertThat(own.body()).contains("no such widget");
    }

    @Test
    void anyHeaderBlockTheParserAcceptsFitsJettysBuffer() throws Exception {
        HttpResponse<String> r = ts.get("/t/big-header-block.sh");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("big headers ok\n");
        assertThat(r.headers().map().keySet()).filteredOn(k -> k.startsWith("x-big-")).hasSize(400);
    }

    @Test
    void redirects() throws Exception {
        HttpResponse<String> local = ts.send(ts.request("/t/redirect-local.sh?orig=1").POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(env(local.body())).containsEntry("QUERY_STRING", "from=redirect").containsEntry("REQUEST_METHOD", "GET")
                .containsEntry("SCRIPT_NAME", "/t/env.sh").doesNotContainKey("CONTENT_LENGTH");
        // A local Location that names no program goes to the client as a 302.
        HttpResponse<String> toStatic = ts.get("/demo/redirect-local.sh");
        assertThat(toStatic.statusCode()).isEqualTo(302);
        assertThat(toStatic.headers().firstValue("location")).hasValue("/cgi-bin/hello.sh?from=redirect");
        HttpResponse<String> client = ts.get("/demo/redirect-client.sh");
        assertThat(client.statusCode()).isEqualTo(302);
        assertThat(client.headers().firstValue("location")).hasValue("/index.html");
        HttpResponse<String> loop = ts.get("/t/redirect-loop.sh");
        assertThat(loop.statusCode()).isEqualTo(502);
        assertThat(loop.body()).contains("HTTP Error 502.5");
    }

    @Test
    void programDeclaredContentLengthThatIsNotMetAbortsTheConnection() throws Exception {
        String raw = ts.raw("GET /t/short-content-length.sh HTTP/1.1\r\nHost: x\r\n\r\n");
        // Headers may have gone out, but the connection is closed without the promised 100 bytes.
        assertThat(raw).doesNotContain("\r\n\r\n" + "short" + "x");
        int bodyAt = raw.indexOf("\r\n\r\n");
        if (bodyAt >= 0) assertThat(raw.length() - bodyAt - 4).isLessThan(100);
    }

    @Test
    void nphIsRelayedRawAndTheConnectionCloses() throws Exception {
        String raw = ts.raw("GET /t/nph-ok.sh HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(raw).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Nph: raw\r\n\r\nraw nph body\n");
        HttpResponse<String> bad = ts.get("/t/nph-bad.sh");
        assertThat(bad.statusCode()).isEqualTo(502);
        assertThat(bad.body()).contains("HTTP Error 502.2");
    }
}
