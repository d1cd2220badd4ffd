package org.tracegate.operator;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.tracegate.metrics.ServerMetrics;

/**
 * Everything the operator listener serves, and nothing of the site: requests on its own connector (with its own
 * threads, so it answers while every program slot is taken) never reach the site's handlers, and the site's never
 * reach these. Who may do what is {@link OperatorAccess}'s.
 */
public final class OperatorHandler extends Handler.Abstract {
    private final Connector connector;
    private final Operator operator;
    private final OperatorAccess access;
    private final TraceSessionApi sessions;

    public OperatorHandler(Connector connector, Operator operator) {
        this.connector = connector;
        this.operator = operator;
        this.access = new OperatorAccess(operator.token());
        this.sessions = operator.sessions() == null ? null : new TraceSessionApi(operator.sessions());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() != connector) return false;
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (path.startsWith("/admin/")) {
            if (!access.bearer(request)) return Replies.error(response, callback, 401, "missing or wrong admin token");
            if (sessions == null) return Replies.error(response, callback, 404, "no trace sessions on this server");
            return sessions.handle(request, response, callback, path);
        }
        if (path.equals("/login")) return login(request, response, callback);
        if (!access.mayRead(request)) {
            return Replies.error(response, callback, 401, "the operator listener answers other hosts only with the admin "
                    + "token (Authorization: Bearer TOKEN, or sign in at /login)");
        }
        if (path.equals("/metrics") && operator.metrics() != null) {
            ServerMetrics.Scrape scrape = operator.metrics().scrape(request.getHeaders().get(HttpHeader.ACCEPT));
            return Replies.bytes(response, callback, 200, scrape.contentType(),
                    scrape.body().getBytes(StandardCharsets.UTF_8));
        }
        return Replies.error(response, callback, 404, "nothing here: " + method + " " + path);
    }

    /** POST /login with the token as a form field: a browser session (cookie); GET shows the form. */
    private boolean login(Request request, Response response, Callback callback) throws Exception {
        if (request.getMethod().equals("POST")) {
            Fields form = form(request);
            if (!access.isToken(form.getValue("token"))) {
                return Replies.html(response, callback, 403, Pages.login("That is not the admin token."));
            }
            return Replies.seeOther(response, callback, "/", OperatorAccess.cookie(access.newSession()));
        }
        return Replies.html(response, callback, 200, Pages.login(null));
    }

    /** A small urlencoded form (the end and login buttons): at most 16 fields of 4 KiB in all. */
    static Fields form(Request request) {
        return org.eclipse.jetty.server.FormFields.getFields(request, 16, 4096);
    }
}
