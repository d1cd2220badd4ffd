package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TestServer;

/**
 * docs/fastcgi.md, "Sending ahead": a deadline cuts the running request, no ABORT_REQUEST is written, and
 * "END_REQUEST within [the abort grace] keeps the connection and the request behind is answered on it".
 */
class SendAheadCutTest {
    @TempDir
    Path dir;

    @Test
    void aRequestBehindOneCutByADeadlineThatEndsWithinTheGraceIsAnswered() throws Exception {
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();                                   // A, id 1
            p.readRequest();                                   // B, id 2, sent ahead
            Thread.sleep(1500);                                // past A's 1 s activity timeout, within the 2 s grace
            p.stdout(1, "Content-Type: text/plain\r\n\r\na");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
            p.stdout(2, "Content-Type: text/plain\r\n\r\nb");
            p.end(2, 0, ProtocolStatus.REQUEST_COMPLETE);
            while (p.read() != null) { /* until closed */ }
        })) {
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool pool = new FastCgiPool(1, d.instanceMaxRequests(), d.idleTimeout(), Duration.ofSeconds(1),
                    Duration.ofSeconds(20), d.queueLength(), d.queueTimeout(), d.rapidFailsPerMinute(), null, true);
            try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/fake/", dir,
                    ".php", server.address().toString(), null, pool, EnvironmentPolicy.defaults()))).build())) {
                CompletableFuture<HttpResponse<String>> a = ts.client.sendAsync(ts.request("/fake/a.php").build(),
                        HttpResponse.BodyHandlers.ofString());
                Thread.sleep(300);
                CompletableFuture<HttpResponse<String>> b = ts.client.sendAsync(ts.request("/fake/b.php")
                        .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                try { a.get(15, TimeUnit.SECONDS); } catch (Exception ignored) { /* A was cut: its fate is not the point */ }
                HttpResponse<String> rb = b.get(15, TimeUnit.SECONDS);
                assertThat(rb.statusCode()).as(rb.body()).isEqualTo(200);
                assertThat(rb.body()).isEqualTo("b");
            }
        }
    }
}
