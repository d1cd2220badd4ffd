package org.tracegate.http;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.NanoTime;
import org.tracegate.trace.ErrorLog;

/**
 * Open connections per client address ({@code limits.maxConnectionsPerClient}): a connection beyond the cap is
 * answered a short 503 with Retry-After and closed as it is accepted, and counted; the error log gets one line
 * per client per minute at most, naming the client and the cap.
 *
 * <p>It listens to the connector's accepts ({@link SelectorManager.AcceptListener}), not to connections: a
 * refused channel is closed before Jetty makes an endpoint, a connection and a parser of it, so no request on it
 * can reach a handler, and a connection still being set up already counts. The count goes down when the
 * endpoint closes ({@link #onClosed(SelectableChannel)}) or the accept fails. Addresses are keyed by their text
 * ({@link Addresses#text}: IPv4 dotted, IPv6 RFC 5952), so one client is one key however the JDK spells it.
 */
final class ClientConnectionCap implements SelectorManager.AcceptListener {
    private final int cap;
    private final ErrorLog errorLog;
    private final LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1));
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SelectableChannel, String> clients = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    ClientConnectionCap(int cap, ErrorLog errorLog) {
        this.cap = cap;
        this.errorLog = errorLog;
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        if (!(channel instanceof SocketChannel socket)) return;
        String client;
        try {
            client = Addresses.text(socket.getRemoteAddress());
        } catch (IOException e) {
            return; // closed already (by the total cap, say): nothing to count
        }
        if ("-".equals(client)) return;
        boolean[] over = {false};
        open.compute(client, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= cap) {
                over[0] = true;
                return n;
            }
            return now + 1;
        });
        if (over[0]) {
            refuse(socket, client);
        } else {
            clients.put(channel, client);
        }
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) { release(channel); }

    @Override
    public void onClosed(SelectableChannel channel) { release(channel); }

    private void release(SelectableChannel channel) {
        String client = clients.remove(channel);
        if (client != null) open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void refuse(SocketChannel socket, String client) {
        refused.incrementAndGet();
        RawResponse.sendAndClose(socket, RawResponse.TOO_MANY_CONNECTIONS);
        long held = throttle.pass(client, NanoTime.now());
        if (held == LogThrottle.HELD) return;
        errorLog.log(null, "connection refused: client " + client + " already has " + cap
                + " open connections, the most limits.maxConnectionsPerClient allows; answered 503 and closed"
                + (held > 0 ? " (" + held + " more refused since the last such line)" : "")
                + "; at most one such line per client per minute");
    }

    /** Open connections by client address (only those with any). */
    Map<String, Integer> openByClient() { return Map.copyOf(open); }

    /** Connections refused since the start. */
    long refused() { return refused.get(); }

    int cap() { return cap; }
}
