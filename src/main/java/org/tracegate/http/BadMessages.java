package org.tracegate.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error handler, for what Jetty itself rejects before any handler runs (a request line or header it
 * cannot parse, no Host): the request still gets an {@link Exchange} — request id, events, access-log line —
 * and our 400 page naming Jetty's reason. Errors after our handlers took the request keep Jetty's rendering.
 */
final class BadMessages extends ErrorHandler {
    private final RequestHandler requests;

    BadMessages(RequestHandler requests) { this.requests = requests; }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (Exchange.find(request) != null) return super.handle(request, response, callback);
        Object status = request.getAttribute(ERROR_STATUS);
        Object message = request.getAttribute(ERROR_MESSAGE);
        if (!(status instanceof Integer s) || s != 400) return super.handle(request, response, callback);
        requests.badMessage(request, response, callback, message == null ? "Bad Request" : message.toString());
        return true;
    }
}
