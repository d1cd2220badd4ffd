package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.http.TestServer;

/**
 * docs/fastcgi.md, "Failures": a worker killed before its headers is 502.2. On a kept connection that looks like a
 * connection the server closed after its last request, which is sent again; a loss after the request ran a while
 * (here 500 ms) is not: the script is not run a second time and the operator gets the 502.
 */
class KilledWorkerNotResentTest {
    @TempDir
    Path dir;

    @Test
    void aWorkerKilledWhileRunningARequestOnAKeptConnectionIs502AndTheScriptRunsOnce() throws Exception {
        AtomicInteger conns = new AtomicInteger();
        AtomicInteger runsOfA = new AtomicInteger();
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            boolean first = conns.incrementAndGet() == 1;
            while (true) {
                List<FastCgiRecord> req = p.readRequest();
                if (req.isEmpty()) return;
                int id = ((BeginRequest) req.getFirst()).requestId();
                StringBuilder params = new StringBuilder();
                for (FastCgiRecord r : req) {
                    if (r instanceof FastCgiRecord.Stream s && s.type() == RecordType.PARAMS) {
                        params.append(new String(s.content(), java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                }
                boolean a = params.toString().contains("a.php");
                if (a) runsOfA.incrementAndGet();
                if (first && a) {
                    Thread.sleep(500);                       // the script runs (side effects), then the worker is killed
                    p.reset();
                    return;
                }
                p.stdout(id, "Content-Type: text/plain\r\n\r\nok");
                p.end(id, 0, ProtocolStatus.REQUEST_COMPLETE);
            }
        })) {
            try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/fake/", dir,
                    ".php", server.address().toString(), null, FastCgiPool.defaults(), EnvironmentPolicy.defaults()))).build())) {
                assertThat(ts.get("/fake/r0.php").statusCode()).isEqualTo(200);     // the connection is kept
                HttpResponse<String> a = ts.get("/fake/a.php");
                assertThat(runsOfA.get()).as("the killed script is not run again").isEqualTo(1);
                assertThat(a.statusCode()).isEqualTo(502);
            }
        }
    }
}
