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

/** docs/fastcgi.md, "Sending ahead": php-fpm closing after END_REQUEST (pm.max_requests): the one behind is sent again. */
class SendAheadResendWindowTest {
    @TempDir
    Path dir;

    @Test
    void theRequestBehindIsSentAgainWhenTheServerClosesAfterTheOneBefore() throws Exception {
        AtomicInteger conns = new AtomicInteger();
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            if (conns.incrementAndGet() == 1) {
                p.readRequest();                                   // r0, id 1
                p.stdout(1, "Content-Type: text/plain\r\n\r\nr0");
                p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
                p.readRequest();                                   // A, id 2
                p.readRequest();                                   // B, id 3, sent ahead
                Thread.sleep(300);                                 // A's script runs 300 ms
                p.stdout(2, "Content-Type: text/plain\r\n\r\na");
                p.end(2, 0, ProtocolStatus.REQUEST_COMPLETE);
                return;                                            // pm.max_requests: the worker exits
            }
            while (true) {
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
                Thread.sleep(50);
                CompletableFuture<HttpResponse<String>> b = ts.client.sendAsync(ts.request("/fake/b.php").build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> ra = a.get(15, TimeUnit.SECONDS);
                System.err.println("A: " + ra.statusCode() + " " + ra.body());
                assertThat(ra.body()).isEqualTo("a");
                HttpResponse<String> rb = b.get(15, TimeUnit.SECONDS);
                System.err.println("B: " + rb.statusCode() + " " + rb.body());
                System.err.println("LOG: " + ts.errorLog());
                assertThat(conns.get()).as("connections").isEqualTo(2);
                assertThat(rb.statusCode()).as(rb.body()).isEqualTo(200);
            }
        }
    }
}
