package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TestServer;

/**
 * On the push path, the abort grace closes the FastCGI connection while a write to a slow client is under way; when
 * that write completes the exchange asks for a read on the closed endpoint. Jetty never answers that, so the exchange
 * never ended and its pool slot was never given back: with one instance, every later request was 503.2.
 */
class CutDuringSlowClientWriteTest {
    @TempDir
    Path dir;

    @Test
    void aCutWhileASlowClientIsWrittenToEndsTheExchangeAndFreesTheSlot() throws Exception {
        AtomicInteger conns = new AtomicInteger();
        byte[] chunk = new byte[60_000];
        java.util.Arrays.fill(chunk, (byte) 'x');
        String text = new String(chunk, StandardCharsets.ISO_8859_1);
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            if (conns.incrementAndGet() == 1) {
                p.readRequest();
                try {
                    p.stdout(1, "Content-Type: text/plain\r\n\r\n");
                    for (int i = 0; i < 2000; i++) p.stdout(1, text);   // until the sockets are full, then we close
                } catch (java.io.IOException closed) {
                    return;
                }
                return;
            }
            p.readRequest();
            p.stdout(1, "Content-Type: text/plain\r\n\r\nsecond");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        })) {
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool pool = new FastCgiPool(1, d.instanceMaxRequests(), d.idleTimeout(), Duration.ofSeconds(10),
                    Duration.ofSeconds(1), d.queueLength(), Duration.ofSeconds(3), d.rapidFailsPerMinute(), null, false);
            try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/fake/", dir,
                    ".php", server.address().toString(), null, pool, EnvironmentPolicy.defaults()))).build());
                 Socket slow = new Socket("127.0.0.1", ts.port())) {
                slow.getOutputStream().write("GET /fake/big.php HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(4000);                        // 1 s request timeout, 2 s abort grace: closed meanwhile
                slow.setSoTimeout(5000);
                InputStream in = slow.getInputStream();
                byte[] buf = new byte[1 << 16];
                long read = 0;
                boolean eof = false;
                try {
                    for (int n; (n = in.read(buf)) > 0; ) read += n;
                    eof = true;
                } catch (java.net.SocketTimeoutException stuck) {
                    // the response neither completed nor was cut
                }
                var second = ts.get("/fake/second.php");
                assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
                assertThat(eof).as("the cut response was closed").isTrue();
            }
        }
    }
}
