package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.config.Limits;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;

/**
 * A fault after the push path gave its lease back (here `then.outcome` throws) neither releases the lease again (the
 * pool counted -1 busy) nor tells `then` a second time.
 */
class PushDoneFaultTest {
    @TempDir
    Path dir;

    @Test
    void aFaultAfterTheReleaseInDoneReleasesTheLeaseOnceAndCompletesOnce() throws Exception {
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);      // no headers: judged after the release (not handed off)
            while (p.read() != null) { }
        }); EventLoop loop = new EventLoop()) {
            ExternalPool pool = new ExternalPool(server.address(), 1, 10, Duration.ofSeconds(2), loop);
            FastCgiMapping m = new FastCgiMapping("/f/", dir, ".php", server.address().toString(), null,
                    FastCgiPool.defaults(), EnvironmentPolicy.defaults());
            FastCgiGateway gw = new FastCgiGateway(new Watchdog(), ErrorLog.standardError(), Limits.defaults(),
                    EnvironmentPolicy.defaults(), Map.of("PATH", "/usr/bin:/bin"));
            Path file = dir.resolve("x.php");
            GatewayRequest r = new GatewayRequest("GET", "/x.php", "", "/x.php", "", file, dir, "HTTP/1.1", "localhost",
                    8080, "127.0.0.1", "127.0.0.1", 40000, false, -1, null, List.of(), false);
            RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "DefaultAppPool", 1, 1));
            List<String> calls = new CopyOnWriteArrayList<>();
            gw.submit(r, new FastCgiGateway.Application(m, pool), file.toString(), null, new RecordingSink(), trace,
                    new FastCgiGateway.Completion() {
                        @Override public void outcome(CgiOutcome o) {
                            calls.add("outcome");
                            throw new IllegalStateException("a bug after the release");
                        }
                        @Override public void fault(Throwable t) { calls.add("fault"); }
                    });
            Thread.sleep(1000);
            assertThat(pool.occupancy().busy()).as("leased slots after the request").isEqualTo(0);
            assertThat(calls).as("completions").containsExactly("outcome");
        }
    }
}
