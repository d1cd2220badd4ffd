package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.gateway.fastcgi.PhpScripts;
import org.tracegate.http.TempDirectories;
import org.tracegate.http.TestServer;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceRecord;

/**
 * {@code requestBuffering} (default true): a FastCGI request's body is read whole before the request waits for an
 * instance. The attack it answers: a client that sends its upload slowly holds one of the application's few workers
 * for as long as it likes (php-cgi waits in its read of STDIN), so {@code maxInstances} such clients stop the
 * application for everyone. Real php-cgi, one instance.
 */
class FastCgiRequestBufferingTest {
    private Path dir;
    private final List<RequestTrace> traces = new CopyOnWriteArrayList<>();

    @BeforeEach
    void scripts() throws Exception {
        dir = PhpScripts.directory("tracegate-buffering-");
        PhpScripts.script(dir, "echo.php", "<?php echo strlen(file_get_contents('php://input')), \"\\n\";");
        PhpScripts.script(dir, "hello.php", "<?php echo \"hello\\n\";");
    }

    @AfterEach
    void clean() throws Exception { TempDirectories.delete(dir); }

    @Test
    void aSlowUploadHoldsNoWorker() throws Exception {
        try (TestServer ts = server(true); Socket slow = new Socket("127.0.0.1", ts.port())) {
            OutputStream out = halfAnUpload(slow);
            Thread.sleep(300);                         // its head is in and half its body: being read

            long t0 = System.nanoTime();
            HttpResponse<String> other = ts.get("/php/hello.php");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(other.statusCode()).as("another client, while the upload trickles").isEqualTo(200);
            assertThat(ms).as("answered without waiting for the upload (queueTimeout is 2 s)").isLessThan(1500);

            out.write("67890".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String answer = readResponse(slow.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n10\n");

            // The trace shows where the upload's time went: between GENERAL_READ_ENTITY_START and its end.
            RequestTrace t = awaitTrace(TraceEvent.GeneralReadEntityEnd.class);
            TraceEvent.GeneralReadEntityEnd end = t.last(TraceEvent.GeneralReadEntityEnd.class);
            assertThat(end).isEqualTo(new TraceEvent.GeneralReadEntityEnd(10, "0", false));
            long start = micros(t, TraceEvent.GeneralReadEntityStart.class), read = micros(t, TraceEvent.GeneralReadEntityEnd.class);
            assertThat(read - start).as("µs spent reading the trickled body").isGreaterThan(300_000);
            assertThat(micros(t, TraceEvent.FastCgiRequestStart.class)).as("the FastCGI request starts after it").isGreaterThanOrEqualTo(read);
        }
    }

    private RequestTrace awaitTrace(Class<? extends TraceEvent> having) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (RequestTrace t : traces) if (t.last(having) != null) return t;
            Thread.sleep(50);
        }
        throw new AssertionError("no trace with " + having.getSimpleName());
    }

    private static long micros(RequestTrace t, Class<? extends TraceEvent> type) {
        return t.records().stream().filter(r -> type.isInstance(r.event())).mapToLong(TraceRecord::epochMicros).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName()));
    }

    /** The knob off, the attack works: the one worker waits in its read of the body, and the other client is 503.2. */
    @Test
    void withoutBufferingASlowUploadHoldsTheOneWorker() throws Exception {
        try (TestServer ts = server(false); Socket slow = new Socket("127.0.0.1", ts.port())) {
            OutputStream out = halfAnUpload(slow);
            Thread.sleep(300);

            HttpResponse<String> other = ts.send(ts.request("/php/hello.php").header("Accept", "application/json"));
            assertThat(other.statusCode()).isEqualTo(503);
            assertThat(other.body()).contains("\"statusCode\":\"503.2\"");

            out.write("67890".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readResponse(slow.getInputStream())).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n10\n");
        }
    }

    /** A body the client cuts short is refused before any worker sees it: php-cgi is never even started. */
    @Test
    void aBodyCutShortNeverReachesTheApplication() throws Exception {
        try (TestServer ts = server(true)) {
            try (Socket s = new Socket("127.0.0.1", ts.port())) {
                s.getOutputStream().write(("POST /php/echo.php HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Length: 10\r\n\r\n12345").getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                Thread.sleep(200);
            }
            String row = null;
            for (int i = 0; i < 50 && row == null; i++) {
                row = ts.accessLog().stream().filter(r -> r.getOrDefault("cs-uri-stem", "").equals("/php/echo.php"))
                        .map(r -> r.get("sc-status")).findFirst().orElse(null);
                if (row == null) Thread.sleep(100);
            }
            assertThat(row).as("the access log's status for the cut upload").isEqualTo("400");
            assertThat(ts.errorLog()).contains("the request body ended before its Content-Length of 10 bytes");
            assertThat(awaitTrace(TraceEvent.GeneralReadEntityEnd.class).last(TraceEvent.GeneralReadEntityEnd.class)
                    .errorCode()).isEqualTo("BROKEN");
            assertThat(phpCgiChildren()).as("php-cgi processes started for it").isZero();
            assertThat(ts.get("/php/hello.php").statusCode()).isEqualTo(200);
        }
    }

    /**
     * A body the server cannot hold (its spool directory gone: a temp cleaner, a full disk, a quota) is the server's
     * trouble, 500 with the directory and the reason, not a 400 telling the client its body was cut short.
     */
    @Test
    void aBodyTheServerCannotStoreIsTheServersFailureNotTheClients() throws Exception {
        Path spool = java.nio.file.Files.createTempDirectory("tracegate-spool-");
        try (TestServer ts = server(true, spool)) {
            java.nio.file.Files.delete(spool);
            // spoolMemory 0: a file from the first byte. A small body: all of it has arrived when the answer goes, so
            // the client reads the 500, not a reset for unread bytes.
            HttpResponse<String> r = ts.send(ts.request("/php/echo.php").header("Accept", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[100])));
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("\"errorCode\":\"BODY_NOT_STORED\"");
            assertThat(ts.errorLog()).contains("The server could not store the request body in its spool file in " + spool
                    + ": No such file or directory").doesNotContain("Content-Length");
            assertThat(awaitTrace(TraceEvent.GeneralReadEntityEnd.class).last(TraceEvent.GeneralReadEntityEnd.class)
                    .errorCode()).isEqualTo("NOT_STORED");
            assertThat(phpCgiChildren()).as("php-cgi processes started for it").isZero();
        }
    }

    /**
     * The server stops while an upload is being read: its connections then wait only a moment for more bytes, and the
     * stalled upload is told to come back (503 with Retry-After), not that its body was cut short (400).
     */
    @Test
    void anUploadStalledWhileTheServerStopsIsToldToRetryNotThatItsBodyWasCut() throws Exception {
        TestServer ts = server(true);
        Thread closer = null;
        try (Socket slow = new Socket("127.0.0.1", ts.port())) {
            slow.setSoTimeout(15_000);
            halfAnUpload(slow);
            // Its head is in and half its body, being read: the stop must find the request running (one that reached
            // the server after the stop began is Jetty's plain 503, without our cause).
            Thread.sleep(1000);
            closer = Thread.ofPlatform().start(() -> {
                try {
                    ts.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            String answer = readResponse(slow.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: 5");
            closer.join(20_000);
            assertThat(ts.errorLogAtClose()).as("the server closed").isNotNull().contains("The server is shutting down, and the client sent no more of its request"
                    + " body within the").contains("(5 of its 10 bytes had arrived)").doesNotContain("Content-Length");
            assertThat(awaitTrace(TraceEvent.GeneralReadEntityEnd.class).last(TraceEvent.GeneralReadEntityEnd.class))
                    .isEqualTo(new TraceEvent.GeneralReadEntityEnd(5, "TIMEOUT", false));
        } finally {
            if (closer != null) closer.join(20_000);   // not a second close() beside it
            ts.close();
        }
    }

    /**
     * A client that resets its connection right after a head with {@code Expect: 100-continue}: the 100 cannot be sent,
     * and that is the client gone (499), never an internal error of ours (500).
     */
    @Test
    void aClientGoneBeforeIts100ContinueIsNoInternalError() throws Exception {
        try (TestServer ts = server(true)) {
            for (int i = 0; i < 20; i++) {
                try (Socket s = new Socket("127.0.0.1", ts.port())) {
                    s.getOutputStream().write(("POST /php/echo.php?try=" + i + " HTTP/1.1\r\nHost: localhost\r\n"
                            + "Expect: 100-continue\r\nContent-Length: 10\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    s.setSoLinger(true, 0);            // close() sends RST
                }
            }
            Thread.sleep(500);
            List<String> statuses = ts.accessLog().stream()
                    .filter(r -> r.getOrDefault("cs-uri-stem", "").equals("/php/echo.php")).map(r -> r.get("sc-status")).toList();
            assertThat(statuses).as("the access log's statuses").doesNotContain("500").contains("499");
            assertThat(ts.errorLog()).doesNotContain("internal error").contains("client left: the client left before 100"
                    + " Continue could be sent");
        }
    }

    /** Sends a POST's head and 5 of its 10 body bytes; the rest is the caller's to send. */
    private static OutputStream halfAnUpload(Socket slow) throws Exception {
        OutputStream out = slow.getOutputStream();
        out.write(("POST /php/echo.php HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 10\r\n\r\n12345").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return out;
    }

    private TestServer server(boolean buffering) throws Exception { return server(buffering, null); }

    private TestServer server(boolean buffering, Path spoolDirectory) throws Exception {
        FastCgiPool d = FastCgiPool.defaults();
        FastCgiPool pool = new FastCgiPool(1, 200, d.idleTimeout(), Duration.ofSeconds(20), Duration.ofSeconds(30),
                d.queueLength(), Duration.ofSeconds(2), 0, null).withRequestBuffering(buffering);
        FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null, PhpScripts.PHP_CGI, pool,
                EnvironmentPolicy.defaults());
        return TestServer.start(c -> c.toBuilder().limits(spoolDirectory == null ? c.limits()
                : c.limits().withSpoolDirectory(spoolDirectory).withSpoolMemory(0)).fastcgi(List.of(m)).build(), traces::add);
    }

    private static long phpCgiChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("php-cgi8.2") || p.info().command().orElse("").endsWith("php-cgi"))
                .count();
    }

    /** One response, head and Content-Length body (the server frames a small page so). */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        int contentLength = -1;
        while (true) {
            int b = in.read();
            if (b < 0) return sb.toString();
            sb.append((char) b);
            int headEnd = sb.indexOf("\r\n\r\n");
            if (headEnd >= 0 && contentLength < 0) {
                String head = sb.substring(0, headEnd).toLowerCase();
                int at = head.indexOf("content-length:");
                if (at < 0) return sb.toString();
                int eol = head.indexOf("\r\n", at);
                contentLength = Integer.parseInt(head.substring(at + 15, eol < 0 ? head.length() : eol).trim());
            }
            if (contentLength >= 0 && sb.length() - (headEnd + 4) >= contentLength) return sb.toString();
        }
    }
}
