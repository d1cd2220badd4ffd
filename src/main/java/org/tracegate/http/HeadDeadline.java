package org.tracegate.http;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.tracegate.trace.ErrorLog;

/**
 * The request-head deadline ({@code limits.requestHeadTimeoutSeconds}): from a request's first byte to the end of
 * its head at most that long, however slowly the bytes trickle in (slowloris). Jetty's idle timeout cannot do
 * this: every byte restarts it.
 *
 * <p>Every {@link #SWEEP_MILLIS} ms, on Jetty's scheduler, one pass over every connector's open endpoints looks
 * at each HTTP/1.1 connection. On the site's connectors a head is first gathered by {@link HeadGateConnection},
 * which says when its first byte came; until the head is complete (the connection's request count moves on),
 * that is its start. Otherwise (the admin connector, or what Jetty's parser holds) the parser says: one in its
 * request line or headers (after {@code START}, before {@code CONTENT}) has a head under way, begun at
 * {@link HttpParser#getBeginNanoTime()}; one still at {@code START} with head bytes counted has seen only empty
 * lines, which RFC 9112 §2.2 lets a server skip and Jetty skips without limit (up to the 16 KiB head limit),
 * restarting its begin time on every read, so the sweep keeps its own "first seen" for that case. A connection
 * past the deadline is answered 408 (written raw: nothing else writes on a connection still reading its head),
 * closed, and named in an error-log line: client, how long, how many head bytes; at most one line per client a
 * minute, the next one counting those held back. Connections between requests
 * (nothing read), or whose head is complete (a body, a handler, a response), are left to Jetty's idle timeout.
 *
 * <p>Why a sweep rather than a timer per head: a head that completes needs nothing cancelled, and a pass is a few
 * field reads per connection four times a second (1,500 connections: well under a millisecond). What it reads is
 * volatile and written in an order that makes a stale pair harmless: the parser writes its begin time before its
 * state and {@code reset()} clears the time before the state, so a state read first and a time read after it
 * belong to the same head or a later one (a time of 0, reset in between, is skipped); the gate writes the request
 * count before the begin time. Before closing, the sweep checks once more that the head is still incomplete.
 */
final class HeadDeadline extends AbstractLifeCycle implements Runnable {
    static final long SWEEP_MILLIS = 250;

    private final Server server;
    private final Duration timeout;
    private final long timeoutNanos;
    private final ErrorLog errorLog;
    /** Heads seen at START with empty lines only, by endpoint; the sweeping thread's alone. */
    private final Map<EndPoint, Padding> padding = new HashMap<>();
    private final AtomicLong expired = new AtomicLong();
    /** One line per client a minute: a slowloris of 1,500 that reconnects would otherwise write 75 a second. */
    private final LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1));
    private volatile Scheduler.Task next;
    private long pass;

    private static final class Padding {
        final long requests;
        final long sinceNanos;
        long pass;

        Padding(long requests, long sinceNanos, long pass) {
            this.requests = requests;
            this.sinceNanos = sinceNanos;
            this.pass = pass;
        }
    }

    HeadDeadline(Server server, Duration timeout, ErrorLog errorLog) {
        this.server = server;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.errorLog = errorLog;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        schedule();
    }

    @Override
    protected void doStop() throws Exception {
        Scheduler.Task t = next;
        if (t != null) t.cancel();
        super.doStop();
    }

    private void schedule() {
        if (isStarting() || isRunning()) next = server.getScheduler().schedule(this, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        if (!isRunning()) return;
        try {
            sweep(NanoTime.now());
        } catch (RuntimeException e) {
            errorLog.log(null, "request-head deadline: sweep failed: " + e);
        } finally {
            schedule();
        }
    }

    /** One pass over all connectors' endpoints (package-private for tests). */
    void sweep(long now) {
        pass++;
        for (Connector connector : server.getConnectors()) {
            for (EndPoint endPoint : connector.getConnectedEndPoints()) check(endPoint, now);
        }
        if (!padding.isEmpty()) padding.values().removeIf(p -> p.pass != pass);
    }

    private void check(EndPoint endPoint, long now) {
        if (!(endPoint.getConnection() instanceof HttpConnection connection)) return;
        HttpParser parser = connection.getParser();
        HttpParser.State state = parser.getState(); // volatile: read it first
        if (!inHead(state)) return; // body, handler, response, closing: not a head
        long requests = connection.getMessagesIn();
        int bytes = parser.getHeaderLength();
        long began;
        HeadGateConnection gate = connection instanceof HeadGateConnection g ? g : null;
        long gated = 0;
        if (gate != null) {
            // The gate writes the request count, then the begin time: a count read on both sides of the time, and
            // unchanged, dates the time to this head (not the one before, whose count was one less).
            long countBefore = gate.headRequest();
            gated = gate.headBeganNanos();
            if (countBefore != requests || gate.headRequest() != countBefore) gated = 0;
        }
        if (gated != 0) {
            // In the gate, or handed to Jetty and not complete yet: from its first byte.
            began = gated;
            bytes = Math.max(bytes, gate.headBytes());
        } else if (state == HttpParser.State.START) {
            if (bytes == 0) return; // between requests: Jetty's idle timeout
            Padding p = padding.get(endPoint);
            if (p == null || p.requests != requests) {
                padding.put(endPoint, new Padding(requests, now, pass));
                return;
            }
            p.pass = pass;
            began = p.sinceNanos;
        } else {
            began = parser.getBeginNanoTime();
            if (began == 0 || parser.getState() == HttpParser.State.START) return; // reset while we looked
            Padding p = padding.get(endPoint);
            if (p != null && p.requests == requests) {
                p.pass = pass;
                if (p.sinceNanos - began < 0) began = p.sinceNanos;
            }
        }
        long elapsed = now - began;
        if (elapsed <= timeoutNanos) return;
        if (!inHead(parser.getState()) || connection.getMessagesIn() != requests) return; // completed meanwhile
        if (gated != 0 && gate.headBeganNanos() != gated) return; // a new head meanwhile
        padding.remove(endPoint);
        expired.incrementAndGet();
        SocketAddress client = endPoint.getRemoteSocketAddress(); // before the close: null after it
        RawResponse.sendAndClose(endPoint, RawResponse.REQUEST_HEAD_TIMEOUT);
        String address = Addresses.text(client);
        long held = throttle.pass(address, now);
        if (held == LogThrottle.HELD) return;
        errorLog.log(null, "request head timeout: client " + address + " port " + Addresses.port(client) + " sent "
                + bytes + " bytes of a request head in " + seconds(elapsed)
                + " without finishing it (limits.requestHeadTimeoutSeconds = " + seconds(timeoutNanos)
                + "); answered 408 and closed the connection"
                + (held > 0 ? " (and " + held + " more from this client since the last such line)" : "")
                + "; at most one such line per client per minute");
    }

    private static boolean inHead(HttpParser.State state) {
        return state.ordinal() < HttpParser.State.CONTENT.ordinal();
    }

    /** "1.3 s"; whole seconds without the fraction ("20 s"). */
    static String seconds(long nanos) {
        if (nanos % 1_000_000_000L == 0) return nanos / 1_000_000_000L + " s";
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** Connections closed for their head since the start. */
    long expired() { return expired.get(); }

    Duration timeout() { return timeout; }
}
