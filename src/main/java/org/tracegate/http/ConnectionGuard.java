package org.tracegate.http;

import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.tracegate.config.ConnectionLimits;
import org.tracegate.trace.ErrorLog;

/**
 * The connection side, against clients that hold the server rather than use it (issue 9 §4): the request-head
 * deadline ({@link HeadDeadline}) on every connector, the admin endpoint's included; the per-client cap
 * ({@link ClientConnectionCap}) and the total cap ({@link TotalConnectionLimit}) on the site's connectors only, so
 * a flood of the site never locks the operator out of the admin endpoint.
 */
final class ConnectionGuard {
    /**
     * The listen backlog of the site's connectors (the JDK's default is 50; nginx and Apache use 511). A burst of
     * connections — a flood, or the slowloris's own — that outruns the acceptor for a moment overflows a short
     * backlog, and Linux then drops new SYNs, a legitimate client's among them, which retries after 1 s, 3 s, 7 s.
     * The kernel caps it at net.core.somaxconn (4096 since Linux 5.4). It is also where connections wait while
     * the total cap stops accepting.
     */
    static final int ACCEPT_BACKLOG = 1024;

    final HeadDeadline headDeadline;
    final ClientConnectionCap perClient;
    final TotalConnectionLimit total;

    private ConnectionGuard(HeadDeadline headDeadline, ClientConnectionCap perClient, TotalConnectionLimit total) {
        this.headDeadline = headDeadline;
        this.perClient = perClient;
        this.total = total;
    }

    /** Installs all three; call before the server starts, after the site's connectors are added. */
    static ConnectionGuard install(Server server, List<ServerConnector> site, ConnectionLimits limits, ErrorLog errorLog) {
        if (limits == null) limits = ConnectionLimits.defaults();
        HeadDeadline deadline = new HeadDeadline(server, limits.requestHeadTimeout(), errorLog);
        server.addBean(deadline);
        ClientConnectionCap perClient = new ClientConnectionCap(limits.maxPerClient(), errorLog);
        // An accept listener: each ServerConnector hands its beans of that kind to its SelectorManager at start.
        for (ServerConnector c : site) {
            c.addBean(perClient);
            c.setAcceptQueueSize(ACCEPT_BACKLOG);
        }
        TotalConnectionLimit total = new TotalConnectionLimit(limits.maxConnections(), errorLog,
                site.toArray(Connector[]::new));
        server.addBean(total);
        return new ConnectionGuard(deadline, perClient, total);
    }
}
