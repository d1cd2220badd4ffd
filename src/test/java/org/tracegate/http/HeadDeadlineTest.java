package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tracegate.config.ConnectionLimits;

/**
 * The request-head deadline (limits.requestHeadTimeoutSeconds) over real sockets, with the deadline at 1 s: a
 * trickled head is cut however steadily its bytes come; a connection between requests, or sending its body, is not.
 * Timings are asserted only loosely (closed, not closed early); bench/slowloris.sh measures.
 */
class HeadDeadlineTest {
    @RegisterExtension
    static final TestServer ts = TestServer.fixture(c -> c.toBuilder()
            .connections(new ConnectionLimits(Duration.ofSeconds(1), 10_000, 256)).build());

    /** Sends {@code bytes} one at a time, {@code everyMillis} apart, on a thread of its own, until done or refused. */
    static Thread trickle(Socket s, String bytes, long everyMillis) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                for (byte b : bytes.getBytes(StandardCharsets.ISO_8859_1)) {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    Thread.sleep(everyMillis);
                }
            } catch (IOException | InterruptedException e) {
                // Closed by the server: what the test waits for.
            }
        });
    }

    @Test
    void aHeadTrickledAByteEvery200msIsAnswered408AndClosedAtTheDeadline() throws Exception {
        try (Socket s = SocketClients.from("127.0.0.1", ts.port())) {
            s.setSoTimeout(15_000);
            long start = System.nanoTime();
            Thread sender = trickle(s, "GET /t/env.sh HTTP/1.1\r\nHost: slow\r\nX-Slow: " + "a".repeat(200), 200);
            String answer = SocketClients.poll(s, 15_000);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            sender.interrupt();
            assertThat(answer).as("closed within 15 s").isNotNull();
            assertThat(answer).satisfiesAnyOf(a -> assertThat(a).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .contains("Connection: close\r\n"), a -> assertThat(a).isIn("", "reset"));
            assertThat(tookMillis).as("not before the deadline").isGreaterThanOrEqualTo(900);
        }
        assertThat(ts.errorLog()).containsPattern(
                "request head timeout: client 127\\.0\\.0\\.1 port \\d+ sent \\d+ bytes of a request head in \\d+\\.\\d s"
                        + " without finishing it \\(limits\\.requestHeadTimeoutSeconds = 1 s\\); answered 408 and closed");
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreAPartOfTheHead() throws Exception {
        // RFC 9112 §2.2: a server may skip empty lines before a request line; Jetty skips any number of them, and
        // each one restarts its idle timeout.
        try (Socket s = SocketClients.from("127.0.0.3", ts.port())) {
            Thread sender = trickle(s, "\r\n".repeat(100), 100);
            String answer = SocketClients.poll(s, 15_000);
            sender.interrupt();
            assertThat(answer).as("closed within 15 s").isNotNull();
        }
        assertThat(ts.errorLog()).containsPattern("request head timeout: client 127\\.0\\.0\\.3 port \\d+ sent \\d+ bytes");
    }

    @Test
    void aHeadLongerThanTheGateHoldsIsTimedFromItsFirstByte() throws Exception {
        // 9,000 bytes at once: more than the gate's 8 KiB, so Jetty's parser holds the rest of the head; the
        // deadline still counts from the first byte, not from when the parser took over.
        try (Socket s = SocketClients.from("127.0.0.6", ts.port())) {
            long start = System.nanoTime();
            SocketClients.send(s, "GET /t/env.sh HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(9_000));
            Thread sender = trickle(s, "b".repeat(100), 200);
            String answer = SocketClients.poll(s, 15_000);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            sender.interrupt();
            assertThat(answer).as("closed within 15 s").isNotNull();
            assertThat(tookMillis).isGreaterThanOrEqualTo(900);
        }
        assertThat(ts.errorLog()).containsPattern("request head timeout: client 127\\.0\\.0\\.6 port \\d+ sent 9\\d{3} bytes");
    }

    @Test
    void oneClientsTimeoutsMakeOneLogLineAMinute() throws Exception {
        java.util.List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = SocketClients.from("127.0.0.7", ts.port());
                SocketClients.send(s, "GET /t/env.sh HTTP/1.1\r\n");
                sockets.add(s);
            }
            for (Socket s : sockets) assertThat(SocketClients.poll(s, 15_000)).as("closed").isNotNull();
        } finally {
            for (Socket s : sockets) s.close();
        }
        assertThat(ts.errorLog().lines().filter(l -> l.contains("request head timeout: client 127.0.0.7 "))).hasSize(1);
    }

    @Test
    void aKeepAliveConnectionIdleBetweenRequestsIsNotCutByTheHeadDeadline() throws Exception {
        try (Socket s = SocketClients.from("127.0.0.4", ts.port())) {
            s.setSoTimeout(15_000);
            InputStream in = s.getInputStream();
            SocketClients.send(s, "GET /t/env.sh HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(SocketClients.readResponse(in)).startsWith("HTTP/1.1 200 ");
            Thread.sleep(2_500); // idle for more than twice the head deadline
            SocketClients.send(s, "GET /t/env.sh HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(SocketClients.readResponse(in)).startsWith("HTTP/1.1 200 ");
        }
        assertThat(ts.errorLog()).doesNotContain("request head timeout: client 127.0.0.4 ");
    }

    @Test
    void aBodyTrickledPastTheHeadDeadlineIsNotCutByIt() throws Exception {
        try (Socket s = SocketClients.from("127.0.0.5", ts.port())) {
            s.setSoTimeout(15_000);
            SocketClients.send(s, "POST /t/echo-body.sh HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\nConnection: close\r\n\r\n");
            Thread sender = trickle(s, "12345678", 300); // 2.4 s of body: the head was complete
            String answer = SocketClients.readResponse(s.getInputStream());
            sender.join();
            assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n12345678");
        }
        assertThat(ts.errorLog()).doesNotContain("request head timeout: client 127.0.0.5 ");
    }

    @Test
    void aHeadThatArrivesSlowlyButWithinTheDeadlineIsServed() throws Exception {
        try (TestServer slow = TestServer.start(c -> c.toBuilder()
                .connections(new ConnectionLimits(Duration.ofSeconds(8), 10_000, 256)).build());
             Socket s = SocketClients.from("127.0.0.1", slow.port())) {
            s.setSoTimeout(15_000);
            // 48 bytes 50 ms apart: ~2.4 s, longer than the other tests' deadline, well within this one's.
            Thread sender = trickle(s, "GET /t/env.sh HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 50);
            String answer = SocketClients.readResponse(s.getInputStream());
            sender.join();
            assertThat(answer).startsWith("HTTP/1.1 200 ");
            assertThat(slow.errorLog()).doesNotContain("request head timeout");
        }
    }
}
