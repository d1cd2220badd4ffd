package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.http.TestServer;

/**
 * docs/fastcgi.md, "When a request is sent again": a kept connection that the external server closed after its last
 * request (php-fpm's pm.max_requests) is found so by the next request, which is sent again on a fresh connection.
 * Here with a body, over TCP and a unix socket: the server answers one request per connection, then closes it,
 * though KEEP_CONN was asked.
 */
class ExternalClosedKeptPostTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix"})
    void aPostThatFindsItsKeptConnectionClosedIsSentAgain(String transport) throws Exception {
        FakeFastCgiServer.Script oneRequestThenClose = p -> {
            List<FastCgiRecord> req = p.readRequest();
            if (req.isEmpty()) return;
            int id = ((BeginRequest) req.getFirst()).requestId();
            long body = req.stream().filter(r -> r instanceof FastCgiRecord.Stream s && s.type() == RecordType.STDIN)
                    .mapToLong(r -> ((FastCgiRecord.Stream) r).content().length).sum();
            p.stdout(id, "Content-Type: text/plain\r\n\r\n" + body);
            p.end(id, 0, ProtocolStatus.REQUEST_COMPLETE);
        };
        try (FakeFastCgiServer server = transport.equals("tcp") ? FakeFastCgiServer.tcp(oneRequestThenClose)
                : FakeFastCgiServer.unix(dir, oneRequestThenClose)) {
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool pool = new FastCgiPool(1, 200, d.idleTimeout(), Duration.ofSeconds(8), Duration.ofSeconds(20),
                    d.queueLength(), Duration.ofSeconds(10), 0, null);
            FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", server.address().toString(), null, pool,
                    EnvironmentPolicy.defaults());
            try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(m)).build())) {
                List<String> statuses = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    HttpResponse<String> r = ts.send(ts.request("/php/echo.php")
                            .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000), StandardCharsets.ISO_8859_1)));
                    statuses.add(r.statusCode() + " " + r.body().lines().findFirst().orElse(""));
                    Thread.sleep(100);                     // the server's close has arrived by the next request
                }
                assertThat(statuses).allMatch(s -> s.equals("200 1000"), "every POST answered");
            }
        }
    }
}
