package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * A request a lane picks only once its whole queueTimeout has passed (the lanes' watchdog ticks every 50 ms, so it may
 * not have refused it yet) and that then finds no connection free waited all of queueTimeout: its 503.2 says so, not
 * "within 0 s". The lanes' watchdog here never fires, so the lane always gets there first. And a request the lanes
 * refuse because the server stops is no busy pool's.
 */
class LaneQueueTimeoutTest {
    @TempDir
    Path dir;

    @Test
    void aRequestPickedAtItsQueueTimeoutSaysItWaitedTheQueueTimeout() throws Exception {
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            while (p.read() != null) { }                    // the held connection: nothing runs on it
        }); Watchdog watchdog = new Watchdog(); Watchdog lanesWatchdog = new Watchdog()) {
            lanesWatchdog.close();                           // a watchdog a tick behind, for good
            ExternalPool pool = new ExternalPool(server.address(), 1, 10, Duration.ofSeconds(2));
            FastCgiBackend.Lease held = pool.lease(Duration.ofSeconds(2));   // the one connection, busy throughout
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool settings = new FastCgiPool(1, d.instanceMaxRequests(), d.idleTimeout(), d.activityTimeout(),
                    d.requestTimeout(), 10, Duration.ofSeconds(1), d.rapidFailsPerMinute(), null);
            FastCgiMapping m = new FastCgiMapping("/f/", dir, ".php", server.address().toString(), null, settings,
                    EnvironmentPolicy.defaults());
            FastCgiGateway gw = new FastCgiGateway(watchdog, ErrorLog.standardError(), Limits.defaults(),
                    EnvironmentPolicy.defaults(), Map.of("PATH", "/usr/bin:/bin"));
            try (RequestLanes lanes = new RequestLanes("t", 1, 10, settings.queueTimeout(), lanesWatchdog, System.err::println)) {
                FastCgiGateway.Application app = new FastCgiGateway.Application(m, pool, lanes);
                CompletableFuture<CgiOutcome> first = submit(gw, app);   // on the lane at once: waits for the pool 1 s
                CompletableFuture<CgiOutcome> second = submit(gw, app);  // picked by the lane after 1 s in its queue
                assertThat(cause(first)).isEqualTo("All 1 connections to the FastCGI server (maxInstances) were busy and"
                        + " none freed up within 1 s.");
                assertThat(cause(second)).as("the one picked at its queueTimeout").contains("within 1 s");
            }
            pool.release(held, null);
        }
    }

    /** Stopped lanes (the server shutting down) refuse with 503.0 "shutting down", not a busy pool's 503.2. */
    @Test
    void aRequestAfterTheLanesStoppedIsShuttingDownNotBusy() throws Exception {
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            while (p.read() != null) { }
        }); Watchdog watchdog = new Watchdog()) {
            ExternalPool pool = new ExternalPool(server.address(), 1, 10, Duration.ofSeconds(2));
            FastCgiMapping m = new FastCgiMapping("/f/", dir, ".php", server.address().toString(), null,
                    FastCgiPool.defaults(), EnvironmentPolicy.defaults());
            FastCgiGateway gw = new FastCgiGateway(watchdog, ErrorLog.standardError(), Limits.defaults(),
                    EnvironmentPolicy.defaults(), Map.of("PATH", "/usr/bin:/bin"));
            RequestLanes lanes = new RequestLanes("t", 1, 10, Duration.ofSeconds(1), watchdog, System.err::println);
            lanes.stop();
            CgiOutcome o = submit(gw, new FastCgiGateway.Application(m, pool, lanes)).get(10, TimeUnit.SECONDS);
            assertThat(o).isInstanceOf(CgiOutcome.Failed.class);
            var f = ((CgiOutcome.Failed) o).failure();
            assertThat(f.statusCode()).isEqualTo("503.0");
            assertThat(f.cause()).isEqualTo("The server is shutting down: the FastCGI application " + pool.describe()
                    + " takes no more requests.");
            lanes.close();
            pool.close();
        }
    }

    private CompletableFuture<CgiOutcome> submit(FastCgiGateway gw, FastCgiGateway.Application app) {
        Path file = dir.resolve("x.php");
        GatewayRequest r = new GatewayRequest("GET", "/x.php", "", "/x.php", "", file, dir, "HTTP/1.1", "localhost",
                8080, "127.0.0.1", "127.0.0.1", 40000, false, -1, null, List.of(), false);
        RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "DefaultAppPool", 1, 1));
        CompletableFuture<CgiOutcome> told = new CompletableFuture<>();
        gw.submit(r, app, file.toString(), null, new RecordingSink(), trace, new FastCgiGateway.Completion() {
            @Override public void outcome(CgiOutcome o) { told.complete(o); }
            @Override public void fault(Throwable t) { told.completeExceptionally(t); }
        });
        return told;
    }

    private static String cause(CompletableFuture<CgiOutcome> f) throws Exception {
        CgiOutcome o = f.get(10, TimeUnit.SECONDS);
        assertThat(o).isInstanceOf(CgiOutcome.Failed.class);
        return ((CgiOutcome.Failed) o).failure().cause();
    }
}
