package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.http.TestServer;

/**
 * The seed case: a 100 MB POST to a program that reads 1 MiB, complains on stderr and exits 2 without
 * a header. The operator must get 502.2 with the exit status, the stderr line, "no header bytes", and
 * the full body counted (the server drains it so the client can read the answer).
 */
class SeedScenarioTest {
    private static final long SIZE = 100L * 1000 * 1000;
    private static final String PATH = "/demo/dies-reading-post.pl";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    @Disabled("bug: fixed-length request bodies intermittently stall with the native launcher: every virtual-thread carrier gets pinned in FileInputStream.read on the program's stdout/stderr pipes, so the stdin pump and Jetty's content delivery starve and the program waits for a body that never comes (502.1 at the header timeout). See the e2e report.")
    void hundredMegabytePostGetsTheDetailed502Point2Page() throws Exception {
        HttpResponse<String> r = server.send(server.request(PATH)
                .header("Content-Type", "application/octet-stream")
                .POST(generated(SIZE)));
        String page = r.body();
        assertThat(r.statusCode()).as(page).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
        assertThat(page)
                .contains("<title>HTTP Error 502.2 - Bad Gateway</title>")
                .contains("<h1>HTTP Error 502.2 - Bad Gateway</h1>")
                .contains("The CGI program ended (exit status 2) before it sent a complete set of HTTP headers; it sent no header at all.")
                .contains("<tr><th>Error Code</th><td>2</td></tr>")
                .contains("Headers returned by the program (0 bytes)")
                .contains("(none: the program returned no header bytes)")
                .contains("<pre class=\"stderr\">out of memory while parsing upload\n</pre>")
                .contains("<tr><th>Bytes Received</th><td>" + SIZE + "</td></tr>")
                .contains("<tr><th>Physical Path</th><td>" + TestServer.DEMO.resolve("dies-reading-post.pl") + "</td></tr>")
                .contains("<tr><th>Request Id</th><td>" + r.headers().firstValue("X-Request-Id").orElseThrow() + "</td></tr>");
    }

    @Test
    @Disabled("bug: fixed-length request bodies intermittently stall with the native launcher: every virtual-thread carrier gets pinned in FileInputStream.read on the program's stdout/stderr pipes, so the stdin pump and Jetty's content delivery starve and the program waits for a body that never comes (502.1 at the header timeout). See the e2e report.")
    void curlWithAHundredMegabyteFileGets502() throws Exception {
        Path big = tmp.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(SIZE); // sparse: no 100 MB written to disk
        }
        Path out = tmp.resolve("out.html");
        Exec.Result curl = Exec.run(tmp, Map.of(), Duration.ofSeconds(60), List.of("curl", "-s", "-o", out.toString(),
                "-w", "%{http_code} %{size_upload}", "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@" + big, server.uri(PATH).toString()));
        assertThat(curl.exitCode()).as("%s", curl).isZero();
        assertThat(curl.stdout()).isEqualTo("502 " + SIZE);
        assertThat(Files.readString(out)).contains("HTTP Error 502.2 - Bad Gateway")
                .contains("out of memory while parsing upload")
                .contains("<tr><th>Bytes Received</th><td>" + SIZE + "</td></tr>");
    }

    @Test
    @Disabled("bug: fixed-length request bodies intermittently stall with the native launcher: every virtual-thread carrier gets pinned in FileInputStream.read on the program's stdout/stderr pipes, so the stdin pump and Jetty's content delivery starve and the program waits for a body that never comes (502.1 at the header timeout). See the e2e report.")
    void jsonClientsGetProblemJsonWith502Point2() throws Exception {
        HttpResponse<String> r = server.send(server.request(PATH)
                .header("Accept", "application/json")
                .header("Content-Type", "application/octet-stream")
                .POST(generated(SIZE)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body())
                .contains("\"status\":502")
                .contains("\"subStatus\":2")
                .contains("\"statusCode\":\"502.2\"")
                .contains("\"errorCode\":\"2\"")
                .contains("\"headers\":\"\"")
                .contains("\"stderrTail\":\"out of memory while parsing upload\\n\"")
                .contains("\"bytesReceived\":" + SIZE);
    }

    @TempDir static Path tmp;

    /** A fixed-length body streamed from generated bytes: nothing of the 100 MB is held in memory. */
    private static HttpRequest.BodyPublisher generated(long size) {
        return HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedStream(size)), size);
    }

    /** {@code size} pseudo-random bytes (xorshift), produced on the fly. */
    static final class GeneratedStream extends InputStream {
        private long left;
        private long x = 0x9E3779B97F4A7C15L;

        GeneratedStream(long size) { this.left = size; }

        @Override
        public int read() {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                b[off + i] = (byte) x;
            }
            left -= n;
            return n;
        }
    }
}
