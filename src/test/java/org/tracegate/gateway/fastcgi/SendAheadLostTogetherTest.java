package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.http.TestServer;

/**
 * `sendAhead`, one kept connection: r0 is answered on it, then A runs on it and B is written behind A, and then the
 * connection goes. Which of A and B is sent again on a fresh connection (docs/fastcgi.md, "When a request is sent
 * again"); every later connection answers "ok".
 */
class SendAheadLostTogetherTest {
    @TempDir
    Path dir;

    /**
     * A lost before any output while B waits behind it: A is not sent again (B waits behind it) and is the 502; B is,
     * once, on a fresh connection. B used to be left waiting for good while A was sent again.
     */
    @Test
    void theRunningOneIsTheFailureAndTheOneBehindIsSentAgain() throws Exception {
        AtomicInteger conns = new AtomicInteger();
        try (FakeFastCgiServer server = server(conns, p -> { })) {  // the worker dies: EOF before any output
            try (TestServer ts = start(server)) {
                CompletableFuture<HttpResponse<String>>[] ab = aThenB(ts, 30);  // A lost within the 100 ms window
                assertThat(ab[0].get(15, TimeUnit.SECONDS).statusCode()).as("A: lost, not sent again").isEqualTo(502);
                HttpResponse<String> rb = ab[1].get(5, TimeUnit.SECONDS);   // well before its 8 s requestTimeout
                assertThat(rb.statusCode()).isEqualTo(200);
                assertThat(rb.body()).isEqualTo("ok");
            }
        }
    }

    /**
     * A runs 300 ms and is answered, then php-fpm closes (pm.max_requests) before reading B: B is sent again. Its
     * resend window counts from when it became the connection's, not from the start of its wait behind A.
     */
    @Test
    void theOneBehindIsSentAgainWhenTheServerClosesAfterTheOneBefore() throws Exception {
        AtomicInteger conns = new AtomicInteger();
        try (FakeFastCgiServer server = server(conns, p -> {
            Thread.sleep(300);                                     // A's script runs 300 ms
            p.stdout(2, "Content-Type: text/plain\r\n\r\na");
            p.end(2, 0, ProtocolStatus.REQUEST_COMPLETE);
        })) {
            try (TestServer ts = start(server)) {
                CompletableFuture<HttpResponse<String>>[] ab = aThenB(ts, 50);
                assertThat(ab[0].get(15, TimeUnit.SECONDS).body()).isEqualTo("a");
                HttpResponse<String> rb = ab[1].get(15, TimeUnit.SECONDS);
                assertThat(rb.statusCode()).as(rb.body()).isEqualTo(200);
                assertThat(conns.get()).as("connections").isEqualTo(2);
            }
        }
    }

    /** {@code then}: what the first connection does once it has read A and B, before it closes. */
    private FakeFastCgiServer server(AtomicInteger conns, FakeFastCgiServer.Script then) throws Exception {
        return FakeFastCgiServer.unix(dir, p -> {
            if (conns.incrementAndGet() == 1) {
                p.readRequest();                                   // r0, id 1: answered, the connection kept
                p.stdout(1, "Content-Type: text/plain\r\n\r\nr0");
                p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
                p.readRequest();                                   // A, id 2
                p.readRequest();                                   // B, id 3, sent ahead behind A
                then.run(p);
                return;                                            // the connection closes
            }
            while (true) {
                List<FastCgiRecord> req = p.readRequest();
                if (req.isEmpty()) return;
                int id = ((BeginRequest) req.getFirst()).requestId();
                p.stdout(id, "Content-Type: text/plain\r\n\r\nok");
                p.end(id, 0, ProtocolStatus.REQUEST_COMPLETE);
            }
        });
    }

    private TestServer start(FakeFastCgiServer server) throws Exception {
        FastCgiPool d = FastCgiPool.defaults();
        FastCgiPool pool = new FastCgiPool(1, d.instanceMaxRequests(), d.idleTimeout(), Duration.ofSeconds(5),
                Duration.ofSeconds(8), d.queueLength(), d.queueTimeout(), d.rapidFailsPerMinute(), null, true);
        return TestServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/fake/", dir, ".php",
                server.address().toString(), null, pool, EnvironmentPolicy.defaults()))).build());
    }

    /** r0 (the connection kept), then A, then B {@code gapMillis} later: written behind A. */
    @SuppressWarnings("unchecked")
    private static CompletableFuture<HttpResponse<String>>[] aThenB(TestServer ts, long gapMillis) throws Exception {
        assertThat(ts.get("/fake/r0.php").statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> a = ts.client.sendAsync(ts.request("/fake/a.php").build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(gapMillis);
        CompletableFuture<HttpResponse<String>> b = ts.client.sendAsync(ts.request("/fake/b.php").build(),
                HttpResponse.BodyHandlers.ofString());
        return new CompletableFuture[] {a, b};
    }
}
