package org.tracegate.http;

import java.time.Duration;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.NanoTime;
import org.tracegate.trace.ErrorLog;

/**
 * Open connections in all ({@code limits.maxConnections}), over the site's connectors: Jetty's
 * {@link ConnectionLimit}, which stops accepting at the cap — new connections wait in the kernel's listen backlog,
 * and are accepted as soon as one closes — with one error-log line when the cap is reached, at most one a minute.
 */
final class TotalConnectionLimit extends ConnectionLimit {
    private final ErrorLog errorLog;
    private final int max;
    private final LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1));

    TotalConnectionLimit(int maxConnections, ErrorLog errorLog, Connector... connectors) {
        super(maxConnections, connectors);
        this.errorLog = errorLog;
        this.max = maxConnections;
    }

    @Override
    protected void limit() {
        super.limit();
        long held = throttle.pass("", NanoTime.now());
        if (held == LogThrottle.HELD) return;
        errorLog.log(null, "connection limit reached: " + max
                + " open connections (limits.maxConnections); new connections wait until one closes"
                + (held > 0 ? " (reached " + held + " more times since the last such line)" : "")
                + "; at most one such line a minute");
    }
}
