package org.tracegate.gateway.fastcgi;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tracegate.gateway.cgi.Cutoff;
import org.tracegate.gateway.cgi.Deadlines;
import org.tracegate.gateway.cgi.HeadRead;
import org.tracegate.gateway.cgi.RelayEnd;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseHeadParser;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;

/**
 * Drives exchanges the way a gateway will: start, deadlines that abort, head, body into a recording sink,
 * finish. One rig per test; the error log is a list of lines.
 */
final class ExchangeRig implements AutoCloseable {
    static final Duration ABORT_GRACE = Duration.ofMillis(300);

    final Watchdog watchdog = new Watchdog();
    final RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "DefaultAppPool", 1, 1));
    final List<String> log = new CopyOnWriteArrayList<>();
    final RecordingSink sink = new RecordingSink();
    Duration headerTimeout = Duration.ofSeconds(10);
    Duration idleTimeout = Duration.ofSeconds(10);
    volatile FastCgiExchange exchange;
    /** Reports the push path handed back before the response was complete (after a clean END_REQUEST). */
    final List<ExchangeReport> handedOff = new CopyOnWriteArrayList<>();
    /** Set for a rig of the push path: requests without a body run as {@link PushExchange}s on this loop. */
    private final EventLoop loop;

    ExchangeRig() { this(false); }

    private ExchangeRig(boolean push) { this.loop = push ? new EventLoop() : null; }

    /** A rig whose connections are bound to an event loop: bodiless requests take the push path, the rest wait through it. */
    static ExchangeRig push() { return new ExchangeRig(true); }

    boolean pushes() { return loop != null; }

    /** What one request gave: the head read, the relay's end (null when no body was relayed), the report. */
    record Result(HeadRead<ResponseHead> head, RelayEnd relay, ExchangeReport report, Cutoff cutoff) {
        ResponseHead completeHead() {
            if (head instanceof HeadRead.Complete<ResponseHead> c) return c.head();
            throw new AssertionError("no complete head: " + head);
        }
    }

    Result serve(FastCgiConnection c, Map<String, String> params, InputStream body, boolean keepConn) {
        return serve(c, params, body, keepConn, false);
    }

    /** {@code discard}: drop the body instead of relaying it, as for a response the gateway replaces. */
    Result serve(FastCgiConnection c, Map<String, String> params, InputStream body, boolean keepConn, boolean discard) {
        if (loop != null && !c.bound()) {
            try {
                loop.bindNow(c);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        if (loop != null && body == null) return servePush(c, params, keepConn, discard);
        FastCgiExchange ex = c.start(new ExchangeRequest(params, body, keepConn), watchdog, ABORT_GRACE, trace, log::add);
        exchange = ex;
        Deadlines deadlines = new Deadlines(watchdog, headerTimeout, idleTimeout, why -> ex.abort());
        sink.onClientGone(() -> deadlines.cut(Cutoff.CLIENT_GONE));
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        HeadRead<ResponseHead> head = ex.readHead(buf, ResponseHeadParser.Limits.defaults(), deadlines);
        RelayEnd relay = null;
        if (head instanceof HeadRead.Complete<ResponseHead> complete) {
            if (discard) ex.discardBody(buf, deadlines);
            else relay = ex.relayBody(buf, complete.head(), "GET", sink, deadlines);
        }
        ExchangeReport report = ex.finish();
        deadlines.close();
        return new Result(head, relay, report, deadlines.cutoff());
    }

    private Result servePush(FastCgiConnection c, Map<String, String> params, boolean keepConn, boolean discard) {
        return servePush(c, params, keepConn, discard, sink).orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    /** Starts one request on the push path into {@code into} (binding {@code c} to this rig's loop first). */
    java.util.concurrent.CompletableFuture<Result> servePush(FastCgiConnection c, Map<String, String> params,
                                                             boolean keepConn, boolean discard, RecordingSink into) {
        if (!c.bound()) {
            try {
                loop.bindNow(c);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        PushExchange ex = c.startPush(new ExchangeRequest(params, null, keepConn), watchdog, ABORT_GRACE, trace, log::add);
        Deadlines deadlines = new Deadlines(watchdog, headerTimeout, idleTimeout, why -> ex.abort());
        into.onClientGone(() -> deadlines.cut(Cutoff.CLIENT_GONE));
        java.util.concurrent.CompletableFuture<PushExchange.Result> done = new java.util.concurrent.CompletableFuture<>();
        ex.run(ResponseHeadParser.Limits.defaults(), deadlines, "GET", into, (h, bytes, tail) -> discard ? null : h,
                report -> handedOff.add(report), done::complete, done::completeExceptionally);
        return done.thenApply(r -> {
            deadlines.close();
            return new Result(r.head(), r.replaced() ? null : r.relay(), r.report(), deadlines.cutoff());
        });
    }

    /** One request on the push path whose {@code done} throws (a bug of the gateway's): what its fault hears. */
    java.util.concurrent.CompletableFuture<Throwable> servePushWhoseDoneThrows(FastCgiConnection c, Map<String, String> params)
            throws java.io.IOException {
        if (!c.bound()) loop.bindNow(c);
        PushExchange ex = c.startPush(new ExchangeRequest(params, null, true), watchdog, ABORT_GRACE, trace, log::add);
        Deadlines deadlines = new Deadlines(watchdog, headerTimeout, idleTimeout, why -> ex.abort());
        java.util.concurrent.CompletableFuture<Throwable> fault = new java.util.concurrent.CompletableFuture<>();
        ex.run(ResponseHeadParser.Limits.defaults(), deadlines, "GET", sink, (h, bytes, tail) -> h, report -> { },
                r -> { throw new IllegalStateException("the gateway's done threw"); }, fault::complete);
        return fault.whenComplete((t, x) -> deadlines.close());
    }

    /**
     * One request on the push path whose head policy throws (a bug of the gateway's, inside the exchange), with
     * {@code stderrLogBytes} of STDERR to log: what its fault hears.
     */
    java.util.concurrent.CompletableFuture<Throwable> servePushWhoseHeadPolicyThrows(FastCgiConnection c,
            Map<String, String> params, long stderrLogBytes) throws java.io.IOException {
        if (!c.bound()) loop.bindNow(c);
        PushExchange ex = c.startPush(new ExchangeRequest(params, null, true, stderrLogBytes), watchdog, ABORT_GRACE,
                trace, log::add);
        Deadlines deadlines = new Deadlines(watchdog, headerTimeout, idleTimeout, why -> ex.abort());
        java.util.concurrent.CompletableFuture<Throwable> fault = new java.util.concurrent.CompletableFuture<>();
        ex.run(ResponseHeadParser.Limits.defaults(), deadlines, "GET", sink,
                (h, bytes, tail) -> { throw new IllegalStateException("the head policy threw"); }, report -> { },
                r -> fault.completeExceptionally(new AssertionError("done after a fault: " + r)), fault::complete);
        return fault.whenComplete((t, x) -> deadlines.close());
    }

    /** Minimal PARAMS for a fake server. */
    static Map<String, String> params(String scriptFilename) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("GATEWAY_INTERFACE", "CGI/1.1");
        p.put("REQUEST_METHOD", "GET");
        p.put("SCRIPT_NAME", "/x.php");
        p.put("SCRIPT_FILENAME", scriptFilename);
        return p;
    }

    /** The error log lines that came from STDERR. */
    List<String> stderrLines() { return log.stream().filter(l -> l.startsWith("fastcgi: stderr: ")).toList(); }

    @Override
    public void close() {
        watchdog.close();
        if (loop != null) loop.close();
    }
}
