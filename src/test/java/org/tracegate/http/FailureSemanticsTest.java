package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every way a program can misbehave, each through real HTTP against a real program. */
class FailureSemanticsTest {
    @RegisterExtension
    static final TestServer ts = TestServer.fixture();

    /** The detailed page's text with tags stripped, for readable assertions. */
    static String text(HttpResponse<String> r) {
        return r.body().replaceAll("<[^>]+>", " ").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replaceAll("[ \t]+", " ");
    }

    static void assertGateway(HttpResponse<String> r, String statusCode, String errorCode) {
        assertThat(r.statusCode()).isEqualTo(Integer.parseInt(statusCode.substring(0, 3)));
        String t = text(r);
        assertThat(t).contains("HTTP Error " + statusCode + " - ").contains("Error Code " + errorCode);
    }

    @Test
    void exitBeforeHeadersIs502_2WithExitStatusAndStderr() throws Exception {
        HttpResponse<String> r = ts.get("/demo/dies-before-headers.sh");
        assertGateway(r, "502.2", "3");
        assertThat(text(r)).contains("exit status 3").contains("no header at all")
                .contains("about to fail: config file missing").contains("Physical Path " + TestServer.DEMO.resolve("dies-before-headers.sh"));
        assertThat(ts.errorLog()).contains("cgi: stderr: about to fail: config file missing")
                .contains("premature termination: exit status 3");
    }

    @Test
    void signalBeforeHeadersIs502_2WithSignalName() throws Exception {
        HttpResponse<String> r = ts.get("/demo/crash-c");
        assertGateway(r, "502.2", "SIGSEGV");
        HttpResponse<String> k = ts.get("/t/signal-self.sh?KILL");
        assertGateway(k, "502.2", "SIGKILL");
        assertThat(text(k)).contains("about to kill myself with KILL");
    }

    @Test
    void partialHeadersAreQuoted() throws Exception {
        HttpResponse<String> r = ts.get("/demo/partial-headers.sh");
        assertGateway(r, "502.2", "1");
        assertThat(text(r)).contains("\"Content-Type: text/html\\r\\nX-Half: ");
        HttpResponse<String> closed = ts.get("/t/closes-stdout.sh");
        assertGateway(closed, "502.2", "0");
        assertThat(text(closed)).contains("\"Content-Type: text/plain\\r\\n\"");
    }

    @Test
    void invalidHeaderBlocksAre502_2WithLineAndBytes() throws Exception {
        assertThat(text(ts.get("/demo/bad-header-name.sh"))).contains("HTTP Error 502.2").contains("line 1")
                .contains("Content Type: text/html");
        assertThat(text(ts.get("/demo/control-char.sh"))).contains("HTTP Error 502.2").contains("\\x01");
        assertThat(text(ts.get("/demo/no-content-type.sh"))).contains("HTTP Error 502.2").contains("no Content-Type, Location or Status");
        assertThat(text(ts.get("/demo/bad-status.sh"))).contains("HTTP Error 502.2").contains("invalid Status").contains("Status: OK");
        assertThat(text(ts.get("/demo/transfer-encoding.sh"))).contains("HTTP Error 502.2").contains("Transfer-Encoding");
        HttpResponse<String> huge = ts.get("/demo/huge-headers.sh");
        assertThat(huge.statusCode()).isEqualTo(502);
        assertThat(text(huge)).contains("HTTP Error 502.2").contains("too long");
        assertThat(huge.headers().map().keySet()).noneMatch(k -> k.toLowerCase().startsWith("x-huge"));
    }

    @Test
    void execFailuresAre502_3WithErrno() throws Exception {
        assertGateway(ts.get("/demo/missing-interpreter.sh"), "502.3", "ENOENT");
        assertGateway(ts.get("/t/no-shebang.sh"), "502.3", "ENOEXEC");
        assertGateway(ts.get("/t/eacces-interp.sh"), "502.3", "EACCES");
    }

    @Test
    void headerTimeoutIs502_1AndKillsTheGroup() throws Exception {
        String tag = "ht" + ProcessHandle.current().pid() + System.nanoTime();
        long start = System.nanoTime();
        HttpResponse<String> r = ts.get("/t/pid-file-then-hang.sh?" + tag);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertGateway(r, "502.1", "TIMEOUT");
        assertThat(ms).isBetween(1900L, 6000L);
        Path pidFile = Path.of("/tmp/tracegate-test-" + tag + ".pid");
        String[] pids = Files.readString(pidFile).trim().split(" ");
        Files.delete(pidFile);
        for (String pid : pids) awaitGone(Long.parseLong(pid), Duration.ofSeconds(3));
    }

    @Test
    void headerTimeoutCanAnswer504() throws Exception {
        try (TestServer t = TestServer.start(c -> c.withLimits(new org.tracegate.config.Limits(Duration.ofMillis(500), 504,
                Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(1), 1 << 20, 1 << 16, 16384, 500, 65536, 8, 8,
                Duration.ofSeconds(1), 5, Duration.ofSeconds(900))))) {
            HttpResponse<String> r = t.get("/demo/hang.sh");
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(text(r)).contains("HTTP Error 504.0");
        }
    }

    @Test
    void stallAfterBodyStartedAbortsTheConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /t/report-pid-then-hang.sh HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // ends when the server aborts
            assertThat(all).startsWith("HTTP/1.1 200").contains("pid=");
            assertThat(all).as("aborted, so no terminating chunk").doesNotEndWith("0\r\n\r\n");
            long pid = Long.parseLong(all.replaceAll("(?s).*pid=(\\d+).*", "$1"));
            awaitGone(pid, Duration.ofSeconds(3));
        }
        assertThat(ts.errorLog()).contains("response aborted").contains("idle timeout");
    }

    @Test
    void stallRightAfterTheHeadersStillGetsAnErrorPage() throws Exception {
        HttpResponse<String> r = ts.get("/t/headers-then-stall.sh");
        assertGateway(r, "502.1", "TIMEOUT");
        assertThat(text(r)).contains("sent its headers, but then").contains("idle timeout")
                .contains("\"Content-Type: text/plain\\r\\n\\r\\n\"");
        HttpResponse<String> shortCl = ts.get("/t/short-content-length-empty.sh");
        assertGateway(shortCl, "502.2", "BROKEN_BODY");
        assertThat(text(shortCl)).contains("declared Content-Length 100 but sent 0 bytes");
    }

    @Test
    void clientDisconnectKillsTheProgramWithinASecond() throws Exception {
        long pid;
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.getOutputStream().write("GET /t/report-pid-then-hang.sh HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            while (!sb.toString().matches("(?s).*pid=\\d+\n.*")) sb.append((char) in.read());
            pid = Long.parseLong(sb.toString().replaceAll("(?s).*pid=(\\d+)\n.*", "$1"));
        }
        awaitGone(pid, Duration.ofMillis(1500));
    }

    @Test
    void concurrencyLimitAnswers503_2WithRetryAfter() throws Exception {
        try (TestServer t = TestServer.start(c -> c.withLimits(c.limits().withMaxConcurrent(1, 0, Duration.ofMillis(100))))) {
            var pool = Executors.newVirtualThreadPerTaskExecutor();
            String tag = "slot" + System.nanoTime();
            Path started = Path.of("/tmp/tracegate-test-" + tag + ".started");
            Future<HttpResponse<String>> slow = pool.submit(() -> t.get("/t/slot-holder.sh?" + tag));
            for (int i = 0; i < 500 && !Files.exists(started); i++) Thread.sleep(10);
            Files.deleteIfExists(started);
            HttpResponse<String> busy = t.get("/t/env.sh");
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("retry-after")).isPresent();
            assertThat(text(busy)).contains("HTTP Error 503.2");
            assertThat(slow.get().statusCode()).isEqualTo(200);
            pool.close();
        }
    }

    @Test
    void programThatIgnoresTermIsKilled() throws Exception {
        try (TestServer t = TestServer.start(c -> c.withLimits(c.limits().withHeaderTimeout(Duration.ofMillis(500))))) {
            long start = System.nanoTime();
            HttpResponse<String> r = t.get("/t/ignores-term.sh");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
        }
    }

    static void awaitGone(long pid, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(Path.of("/proc/" + pid)).as("process " + pid + " ended within " + within).doesNotExist();
    }

    @Test
    void manyFailuresInParallelStayIsolated() throws Exception {
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<HttpResponse<String>>> fs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String path = switch (i % 4) {
                case 0 -> "/demo/hello.sh";
                case 1 -> "/demo/dies-before-headers.sh";
                case 2 -> "/demo/crash-c";
                default -> "/demo/bad-status.sh";
            };
            fs.add(pool.submit(() -> ts.get(path)));
        }
        for (int i = 0; i < fs.size(); i++) {
            assertThat(fs.get(i).get().statusCode()).isEqualTo(i % 4 == 0 ? 200 : 502);
        }
        pool.close();
    }
}
