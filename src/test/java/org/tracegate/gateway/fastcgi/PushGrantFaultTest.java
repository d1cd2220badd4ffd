package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;

/**
 * A fault of ours while the push path starts a request on a lease granted on another thread — the release of the
 * request before it, or the connect thread of a resend — is that request's: it is told (a 500), its lease goes back
 * once, and the request that released the lease keeps its own outcome. The fault here is the sink's registration
 * of the client-gone action throwing, as a bug in the HTTP side's sink would.
 */
class PushGrantFaultTest {
    @TempDir
    Path dir;
    private final FastCgiGateway gw = new FastCgiGateway(new Watchdog(), ErrorLog.standardError(), Limits.defaults(),
            EnvironmentPolicy.defaults(), Map.of("PATH", "/usr/bin:/bin"));

    @Test
    void aFaultStartingARequestGrantedByAnotherRequestsReleaseIsThatRequestsOwn() throws Exception {
        CountDownLatch firstIn = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (FakeFastCgiServer server = heldServer(firstIn, answer); EventLoop loop = new EventLoop()) {
            ExternalPool pool = new ExternalPool(server.address(), 1, 10, Duration.ofSeconds(2), loop);
            Calls first = new Calls(), second = new Calls();
            submit(pool, new RecordingSink(), first);
            assertThat(firstIn.await(10, TimeUnit.SECONDS)).as("the first request reached the server").isTrue();
            submit(pool, new FaultingSink(1), second);      // queued: the one connection is the first's
            answer.countDown();                             // its release grants the second request the connection

            assertThat(first.await()).as("the first request is told").isTrue();
            Thread.sleep(200);                              // anything told twice, or a late release, shows by now
            assertThat(first.calls).as("the first request's completions").containsExactly("outcome 200");
            assertThat(second.await()).as("the second request is told").isTrue();
            assertThat(second.calls).as("the second request's completions").containsExactly("fault");
            assertThat(pool.occupancy().busy()).as("leased slots after both").isZero();
        }
    }

    /**
     * sendAhead: a fault starting a request granted room behind a running one (nothing of it written yet) is that
     * request's alone: the connection is the running request's, which must get its answer, not have it closed under it.
     */
    @Test
    void aFaultStartingARequestSentAheadLeavesTheRunningRequestsConnectionAlone() throws Exception {
        CountDownLatch firstIn = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (FakeFastCgiServer server = heldServer(firstIn, answer); EventLoop loop = new EventLoop()) {
            ExternalPool pool = new ExternalPool(server.address(), 1, 10, Duration.ofSeconds(2), loop, true);
            Calls first = new Calls(), second = new Calls();
            submit(pool, new RecordingSink(), first);
            assertThat(firstIn.await(10, TimeUnit.SECONDS)).as("the first request reached the server").isTrue();
            submit(pool, new FaultingSink(1), second);      // sent ahead behind the first: its start faults
            assertThat(second.await()).as("the second request is told").isTrue();
            assertThat(second.calls).as("the second request's completions").containsExactly("fault");
            answer.countDown();

            assertThat(first.await()).as("the first request is told").isTrue();
            Thread.sleep(200);
            assertThat(first.calls).as("the running request's completions").containsExactly("outcome 200");
            assertThat(pool.occupancy().busy()).as("leased slots after both").isZero();
            Calls third = new Calls();
            submit(pool, new RecordingSink(), third);
            assertThat(third.await()).as("a request after both is served").isTrue();
            assertThat(third.calls).containsExactly("outcome 200");
        }
    }

    @Test
    void aFaultStartingTheResentRequestOnItsConnectThreadIsReportedAndItsLeaseGoesBack() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            boolean closesAtTheSecond = connections.incrementAndGet() == 1;
            for (int served = 0; ; served++) {
                List<FastCgiRecord> req = p.readRequest();
                if (req.isEmpty()) return;
                if (closesAtTheSecond && served == 1) return; // php-fpm's pm.max_requests: closed at the next request
                int id = ((BeginRequest) req.getFirst()).requestId();
                p.stdout(id, "Content-Type: text/plain\r\n\r\nok");
                p.end(id, 0, ProtocolStatus.REQUEST_COMPLETE);
            }
        }); EventLoop loop = new EventLoop()) {
            ExternalPool pool = new ExternalPool(server.address(), 1, 10, Duration.ofSeconds(2), loop);
            Calls kept = new Calls(), resent = new Calls();
            submit(pool, new RecordingSink(), kept);
            assertThat(kept.await()).isTrue();
            assertThat(kept.calls).containsExactly("outcome 200");
            submit(pool, new FaultingSink(2), resent);      // its second start (the resend) faults

            assertThat(resent.await()).as("the resent request is told").isTrue();
            Thread.sleep(200);
            assertThat(connections.get()).as("sent again on a fresh connection").isEqualTo(2);
            assertThat(resent.calls).as("the resent request's completions").containsExactly("fault");
            assertThat(pool.occupancy().busy()).as("leased slots after it").isZero();
        }
    }

    /** Answers each request "ok", but only once {@code answer} is counted down; {@code firstIn} says one arrived. */
    private FakeFastCgiServer heldServer(CountDownLatch firstIn, CountDownLatch answer) throws Exception {
        return FakeFastCgiServer.unix(dir, p -> {
            for (List<FastCgiRecord> req; !(req = p.readRequest()).isEmpty(); ) {
                int id = ((BeginRequest) req.getFirst()).requestId();
                firstIn.countDown();
                answer.await();
                p.stdout(id, "Content-Type: text/plain\r\n\r\nok");
                p.end(id, 0, ProtocolStatus.REQUEST_COMPLETE);
            }
        });
    }

    private void submit(ExternalPool pool, ResponseSink sink, Calls calls) {
        FastCgiMapping m = new FastCgiMapping("/f/", dir, ".php", pool.describe(), null, FastCgiPool.defaults(),
                EnvironmentPolicy.defaults());
        Path file = dir.resolve("x.php");
        GatewayRequest r = new GatewayRequest("GET", "/x.php", "", "/x.php", "", file, dir, "HTTP/1.1", "localhost",
                8080, "127.0.0.1", "127.0.0.1", 40000, false, -1, null, List.of(), false);
        RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "DefaultAppPool", 1, 1));
        gw.submit(r, new FastCgiGateway.Application(m, pool), file.toString(), null, sink, trace, calls);
    }

    /** What one request's completion heard, in order. */
    private static final class Calls implements FastCgiGateway.Completion {
        final List<String> calls = new CopyOnWriteArrayList<>();
        private final CountDownLatch told = new CountDownLatch(1);

        @Override
        public void outcome(CgiOutcome o) {
            calls.add("outcome " + (o instanceof CgiOutcome.Completed c ? c.status() : o));
            told.countDown();
        }

        @Override
        public void fault(Throwable t) {
            calls.add("fault");
            told.countDown();
        }

        boolean await() throws InterruptedException { return told.await(10, TimeUnit.SECONDS); }
    }

    /** A sink whose {@code n}th registration of a client-gone action throws: a bug of the HTTP side. */
    private static final class FaultingSink implements ResponseSink, PushSink {
        private final RecordingSink sink = new RecordingSink();
        private final int n;
        private final AtomicInteger registrations = new AtomicInteger();

        FaultingSink(int n) { this.n = n; }

        @Override
        public void onClientGone(Runnable action) {
            if (registrations.incrementAndGet() == n) throw new IllegalStateException("a bug in the sink");
            sink.onClientGone(action);
        }

        @Override
        public void start(int status, String reason, List<ResponseHead.Header> headers) { sink.start(status, reason, headers); }

        @Override
        public void write(ByteBuffer content, boolean last, Consumer<IOException> done) { sink.write(content, last, done); }

        @Override
        public WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) throws IOException {
            return sink.begin(status, reason, headers);
        }

        @Override
        public WritableByteChannel beginRaw() throws IOException { return sink.beginRaw(); }
    }
}
