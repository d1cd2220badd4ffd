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
 * sendAhead against a hostile FastCGI server: one that answers the request sent ahead while the one before it still
 * runs (as a multiplexing server, or one that refuses with CANT_MPX_CONN at once, would). The running request is a
 * protocol violation with the record quoted, the one behind fails as never answered; both are 502, never 500, and
 * the answer meant for another request reaches no client.
 */
class SendAheadHostileServerTest {
    @TempDir
    Path dir;

    @Test
    void aServerThatAnswersTheRequestBehindFirstBreaksBothAndReachesNoClient() throws Exception {
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();                              // the running request, id 1
            p.readRequest();                              // the one sent ahead, id 2
            p.stdout(2, "Content-Type: text/plain\r\n\r\nhijacked");
            while (p.read() != null) { /* until we close */ }
        })) {
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool pool = new FastCgiPool(1, d.instanceMaxRequests(), d.idleTimeout(), Duration.ofSeconds(5),
                    Duration.ofSeconds(20), d.queueLength(), d.queueTimeout(), d.rapidFailsPerMinute(), null, true);
            try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/fake/", dir,
                    ".php", server.address().toString(), null, pool, EnvironmentPolicy.defaults()))).build())) {
                CompletableFuture<HttpResponse<String>> first = ts.client.sendAsync(ts.request("/fake/a.php")
                        .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                Thread.sleep(300);                        // a.php is running on the one connection
                CompletableFuture<HttpResponse<String>> behind = ts.client.sendAsync(ts.request("/fake/b.php")
                        .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> a = first.get(15, TimeUnit.SECONDS);
                HttpResponse<String> b = behind.get(15, TimeUnit.SECONDS);
                assertThat(a.statusCode()).isEqualTo(502);
                assertThat(a.body()).contains("\"statusCode\":\"502.2\"").doesNotContain("hijacked");
                assertThat(b.statusCode()).isEqualTo(502);
                assertThat(b.body()).doesNotContain("hijacked");
                String log = ts.errorLog();
                assertThat(log).contains("broke the FastCGI protocol", "record for request 2, but this connection's request is 1");
                assertThat(log).contains("never got to it: the connection it was sent ahead on was closed under the request before it");
            }
        }
    }
}
