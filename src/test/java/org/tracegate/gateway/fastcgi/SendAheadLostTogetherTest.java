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
 * A kept connection lost before any output while a request waits behind the one running on it: the running one is not
 * sent again (a request waits behind it), and the one behind is, once, on a fresh connection. It used to be left
 * waiting for good when the running one was sent again.
 */
class SendAheadLostTogetherTest {
    @TempDir
    Path dir;

    @Test
    void theRequestBehindAResentRequestIsAnswered() throws Exception {
        AtomicInteger conns = new AtomicInteger();
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            if (conns.incrementAndGet() == 1) {
                p.readRequest();                                   // R0, id 1: answered, connection kept
                p.stdout(1, "Content-Type: text/plain\r\n\r\nr0");
                p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
                p.readRequest();                                   // A, id 2, on the kept connection
                p.readRequest();                                   // B, id 3, sent ahead behind A
                return;                                            // the worker dies: EOF before any output
            }
            while (true) {                                         // fresh connections: answer every request
                List<FastCgiRecord> req = p.readRequest();
                if (req.isEmpty()) return;
                int id = ((BeginRequest) req.getFirst()).requestId();
                p.stdout(id, "Content-Type: text/plain\r\n\r\nok");
                p.end(id, 0, ProtocolStatus.REQUEST_COMPLETE);
            }
        })) {
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool pool = new FastCgiPool(1, d.instanceMaxRequests(), d.idleTimeout(), Duration.ofSeconds(5),
                    Duration.ofSeconds(8), d.queueLength(), d.queueTimeout(), d.rapidFailsPerMinute(), null, true);
            try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/fake/", dir,
                    ".php", server.address().toString(), null, pool, EnvironmentPolicy.defaults()))).build())) {
                assertThat(ts.get("/fake/r0.php").statusCode()).isEqualTo(200);
                CompletableFuture<HttpResponse<String>> a = ts.client.sendAsync(ts.request("/fake/a.php").build(),
                        HttpResponse.BodyHandlers.ofString());
                Thread.sleep(30);                                  // a.php is written on the kept connection, lost within 100 ms
                CompletableFuture<HttpResponse<String>> b = ts.client.sendAsync(ts.request("/fake/b.php").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(a.get(15, TimeUnit.SECONDS).statusCode()).as("A: lost, not sent again").isEqualTo(502);
                // B: sent again on a fresh connection and answered, well before its 8 s requestTimeout.
                HttpResponse<String> rb = b.get(5, TimeUnit.SECONDS);
                assertThat(rb.statusCode()).isEqualTo(200);
                assertThat(rb.body()).isEqualTo("ok");
            }
        }
    }
}
