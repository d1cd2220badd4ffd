package org.tracegate.http;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.tracegate.gateway.Refusal;
import org.tracegate.trace.RequestContext;

/**
 * The outer handler: owns every request of the site — programs, static files, refusals and 404s alike. It
 * gives the request its {@link Exchange} (ids, trace, X-Request-Id, the once-guarded callback, the end
 * record), refuses what no handler may see, then lets the inner handlers serve it; when none does, the
 * answer is a 404.0 page of ours.
 */
final class RequestHandler extends Handler.Wrapper {
    static final int SITE_ID = 1;
    static final String APP_POOL = "Tracegate";
    private static final String CONN_ID = "tracegate.connId";
    private static final String RAW_CONN_COUNTER = "tracegate.rawConnCounter";

    private final Site site;
    private final AtomicLong connections = new AtomicLong();

    RequestHandler(Site site, Handler inner) {
        super(inner);
        this.site = site;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange ex = Exchange.begin(request, response, callback, site, context(request));
        try {
            Refusal early = earlyRefusal(request);
            if (early != null) {
                ex.refuse(early);
            } else if (!super.handle(request, response, ex.callback())) {
                ex.refuse(new Refusal.NotFound("no mapping, alias or static file serves this path", null));
            }
        } catch (Throwable t) {
            ex.serverFault(t);
        }
        return true;
    }

    /** Jetty rejected the request before any handler (see {@link BadMessages}): our 400, recorded like any. */
    void badMessage(Request request, Response response, Callback callback, String reason) {
        Exchange ex = Exchange.begin(request, response, callback, site, context(request));
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

    private RequestContext context(Request request) {
        ConnectionMetaData meta = request.getConnectionMetaData();
        Object id = meta.getAttribute(CONN_ID);
        if (id == null) {
            id = connections.incrementAndGet();
            meta.setAttribute(CONN_ID, id);
            meta.setAttribute(RAW_CONN_COUNTER, new AtomicLong());
        }
        long raw = ((AtomicLong) meta.getAttribute(RAW_CONN_COUNTER)).getAndIncrement();
        return new RequestContext(UUID.randomUUID(), SITE_ID, APP_POOL, (Long) id, raw);
    }
}
