package org.tracegate.config;

import java.time.Duration;

/**
 * The connection side, against clients that hold the server rather than use it (slowloris).
 *
 * @param requestHeadTimeout  time from a request's first byte to the end of its head, however slowly the bytes
 *                            trickle in; the connection is closed after it; default 20 s
 * @param maxConnections      open client connections in all; beyond it the server stops accepting until one
 *                            closes; default 10,000
 * @param maxPerClient        open connections from one client address; a connection beyond it is answered 503
 *                            and closed at once; default 256
 */
public record ConnectionLimits(Duration requestHeadTimeout, int maxConnections, int maxPerClient) {
    public static ConnectionLimits defaults() { return new ConnectionLimits(Duration.ofSeconds(20), 10_000, 256); }
}
