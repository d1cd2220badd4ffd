package org.tracegate.http;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.tracegate.config.VirtualSite;
import org.tracegate.gateway.Refusal;
import org.tracegate.trace.RequestContext;

/**
 * The outer handler: owns every request of the site — programs, static files, refusals and 404s alike. It
 * gives the request its {@link Exchange} (ids, trace, X-Request-Id, the once-guarded callback, the end
 * record), refuses what no handler may see, then lets the inner handlers serve it; when none does, the
 * answer is a 404.0 page of ours.
 */
final class RequestHandler extends Handler.Abstract {
    static final String APP_POOL = "Tracegate";
    private static final String CONN_ID = "tracegate.connId";
    private static final String RAW_CONN_COUNTER = "tracegate.rawConnCounter";

    /**
     * One [[site]] (or the only site): its names, what its requests share, and its handler.
     *
     * @param id IIS's site id, in the request context (FREB's W3SVC directory, traces)
     */
    record VirtualHost(int id, VirtualSite names, Site site, Handler handler) {}

    private final List<VirtualHost> hosts;
    private final AtomicLong connections = new AtomicLong();

    /** @param hosts the sites, the default (the one for hosts nobody names) first */
    RequestHandler(List<VirtualHost> hosts) {
        super(InvocationType.NON_BLOCKING);   // what may block is handed to Jetty's pool by SiteHandler
        this.hosts = List.copyOf(hosts);
        for (VirtualHost h : this.hosts) addBean(h.handler());
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        for (VirtualHost h : hosts) h.handler().setServer(server);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        VirtualHost host = hostOf(request);
        Exchange ex = Exchange.begin(request, response, callback, host.site(), context(request, host.id()));
        try {
            Refusal early = earlyRefusal(request);
            if (early != null) {
                request.getComponents().getExecutor().execute(() -> {
                    try {
                        ex.refuse(early);
                    } catch (Throwable t) {
                        ex.serverFault(t);
                    }
                });
            } else if (!host.handler().handle(request, response, ex.callback())) {
                ex.refuse(new Refusal.NotFound("no mapping, alias or static file serves this path", null));
            }
        } catch (Throwable t) {
            ex.serverFault(t);
        }
        return true;
    }

    /** Jetty rejected the request before any handler (see {@link BadMessages}): our 400, recorded like any. */
    void badMessage(Request request, Response response, Callback callback, String reason) {
        VirtualHost host = hosts.getFirst(); // the request could not be parsed: its Host is not to be trusted
        Exchange ex = Exchange.begin(request, response, callback, host.site(), context(request, host.id()));
        try {
            ex.refuse(new Refusal.BadRequest("the server could not parse it (" + reason + ")"));
        } catch (Throwable t) {
            ex.serverFault(t);
        }
    }

    /** What is refused before any handler looks at the request. */
    private static Refusal earlyRefusal(Request request) {
        // RFC 9112 §6.1: a transfer coding we do not implement gets 501. Jetty decodes chunked only, and a body
        // still gzip-encoded underneath must never reach a program as if it were plain.
        for (String te : request.getHeaders().getValuesList(HttpHeader.TRANSFER_ENCODING)) {
            for (String coding : te.split(",")) {
                String c = coding.trim().toLowerCase(Locale.ROOT);
                if (!c.isEmpty() && !c.equals("chunked")) {
                    return new Refusal.NotImplemented("the transfer coding '" + coding.trim() + "' (only chunked is)");
                }
            }
        }
        return null;
    }

    /**
     * The site whose names include the request's host (an absolute-form target's authority wins over Host, as for
     * SERVER_NAME), else the first: Apache's rule for name-based virtual hosts.
     */
    private VirtualHost hostOf(Request request) {
        if (hosts.size() == 1) return hosts.getFirst();
        String host = Request.getServerName(request);
        for (VirtualHost h : hosts) if (h.names().answers(host)) return h;
        return hosts.getFirst();
    }

    private RequestContext context(Request request, int siteId) {
        ConnectionMetaData meta = request.getConnectionMetaData();
        Object id = meta.getAttribute(CONN_ID);
        if (id == null) {
            id = connections.incrementAndGet();
            meta.setAttribute(CONN_ID, id);
            meta.setAttribute(RAW_CONN_COUNTER, new AtomicLong());
        }
        long raw = ((AtomicLong) meta.getAttribute(RAW_CONN_COUNTER)).getAndIncrement();
        return new RequestContext(UUID.randomUUID(), siteId, APP_POOL, (Long) id, raw);
    }
}
