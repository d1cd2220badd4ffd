package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.config.Limits;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseSink;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;

/**
 * A fault inside a request on a lane (here the response sink throws) still ends its STDERR as a request that ended
 * does: the operator hears how much of it was not logged, as on the push path (PushExchange.faulted).
 */
class LaneFaultStderrTest {
    @TempDir
    Path dir;

    @Test
    void aFaultedLaneRequestStillSaysHowMuchStderrWasNotLogged() throws Exception {
        String line = "x".repeat(1000) + "\n";
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            for (int i = 0; i < 4; i++) p.stderr(1, line.repeat(50));      // 200 KB: over limits.stderrKiB's 64
            p.stdout(1, "Content-Type: text/plain\r\n\r\nok");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
            while (p.read() != null) { }
        })) {
            ExternalPool pool = new ExternalPool(server.address(), 1, 10, Duration.ofSeconds(2));  // no loop: lanes
            FastCgiMapping m = new FastCgiMapping("/f/", dir, ".php", server.address().toString(), null,
                    FastCgiPool.defaults(), EnvironmentPolicy.defaults());
            ByteArrayOutputStream logged = new ByteArrayOutputStream();
            ErrorLog log = ErrorLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8));
            Watchdog watchdog = new Watchdog();
            FastCgiGateway gw = new FastCgiGateway(watchdog, log, Limits.defaults(), EnvironmentPolicy.defaults(),
                    Map.of("PATH", "/usr/bin:/bin"));
            Path file = dir.resolve("x.php");
            GatewayRequest r = new GatewayRequest("GET", "/x.php", "", "/x.php", "", file, dir, "HTTP/1.1", "localhost",
                    8080, "127.0.0.1", "127.0.0.1", 40000, false, -1, null, List.of(), false);
            RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "DefaultAppPool", 1, 1));
            List<String> calls = new CopyOnWriteArrayList<>();
            CountDownLatch told = new CountDownLatch(1);
            RequestLanes lanes = new RequestLanes("t", 1, 10, Duration.ofSeconds(5), watchdog, calls::add);
            FastCgiGateway.Application app = new FastCgiGateway.Application(m, pool, lanes);
            try {
                gw.submit(r, app, file.toString(), null, new ThrowingSink(), trace, new FastCgiGateway.Completion() {
                    @Override public void outcome(CgiOutcome o) { calls.add("outcome"); told.countDown(); }
                    @Override public void fault(Throwable t) { calls.add("fault: " + t.getMessage()); told.countDown(); }
                });
                assertThat(told.await(10, TimeUnit.SECONDS)).as("completed").isTrue();
            } finally {
                lanes.close();
                pool.close();
                log.close();
            }
            assertThat(calls).containsExactly("fault: a bug in the sink");
            assertThat(pool.occupancy().busy()).as("leased slots after the request").isEqualTo(0);
            boolean counted = java.util.regex.Pattern.compile("fastcgi: stderr: \\d+ more bytes not logged "
                    + "\\(limits.stderrKiB = 64").matcher(logged.toString(StandardCharsets.UTF_8)).find();
            assertThat(counted).as("error.log says how much STDERR was not logged").isTrue();
        }
    }

    /** A sink with a bug: committing the response throws. */
    private static final class ThrowingSink implements ResponseSink {
        @Override
        public WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) {
            throw new IllegalStateException("a bug in the sink");
        }

        @Override
        public WritableByteChannel beginRaw() { throw new IllegalStateException("no NPH"); }

        @Override
        public void onClientGone(Runnable action) { }
    }
}
