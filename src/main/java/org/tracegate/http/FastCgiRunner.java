package org.tracegate.http;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.gateway.fastcgi.FastCgiGateway;
import org.tracegate.site.Route;

/**
 * Runs a script on the FastCGI application the router chose: body → gateway → answer, like {@link CgiRunner};
 * the application's own pool queues the requests (no CGI slot is taken).
 */
final class FastCgiRunner {
    static final String MODULE = "FastCgiModule";

    private final ServerConfig config;
    private final FastCgiGateway gateway;
    private final Map<FastCgiMapping, FastCgiGateway.Application> applications;

    FastCgiRunner(ServerConfig config, FastCgiGateway gateway, Map<FastCgiMapping, FastCgiGateway.Application> applications) {
        this.config = config;
        this.gateway = gateway;
        this.applications = applications;
    }

    /**
     * Read whole bodies ({@code requestBuffering}): one virtual thread per body being read, so a thousand clients that
     * send theirs slowly hold a thousand cheap threads, not the site's pool nor the application's few workers.
     */
    private static final Executor BODY_READERS = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("tracegate-fastcgi-body-", 0).factory());

    /**
     * Whether {@link #run} can queue this request without blocking this thread: no body, or one read whole on a
     * thread of its own ({@code requestBuffering}), or one with a Content-Length and no 100 Continue owed. Else (a
     * chunked body is spooled first to learn CONTENT_LENGTH, and 100 Continue waits for its write) on a pool thread.
     */
    static boolean queuesWithoutBlocking(Request request, FastCgiMapping application) {
        HttpFields h = request.getHeaders();
        if (application.pool().requestBuffering() && hasBody(h)) return true;
        return !h.contains(HttpHeader.TRANSFER_ENCODING) && !h.contains(HttpHeader.EXPECT);
    }

    private static boolean hasBody(HttpFields h) {
        return h.contains(HttpHeader.TRANSFER_ENCODING) || h.getLongField(HttpHeader.CONTENT_LENGTH) > 0;
    }

    /**
     * Opens the body and queues the request on the application's lanes; the lane delivers the outcome and closes
     * the body. This thread is back with Jetty at once. With {@code requestBuffering} a body is read whole first, on
     * a virtual thread: the request waits for an instance only once nothing of it is left to wait for from the
     * client (nginx's {@code fastcgi_request_buffering}, mod_fcgid).
     */
    void run(Exchange ex, Route.FastCgi script) throws Exception {
        FastCgiGateway.Application app = applications.get(script.application());
        ex.handlerChanged(MODULE, "FastCGI", app.backend().describe(), script.scriptFilename());
        if (script.application().pool().requestBuffering() && hasBody(ex.request.getHeaders())) {
            BODY_READERS.execute(() -> {
                try {
                    submit(ex, script, app, true);
                } catch (Throwable t) {
                    ex.serverFault(t);
                }
            });
            return;
        }
        submit(ex, script, app, false);
    }

    private void submit(Exchange ex, Route.FastCgi script, FastCgiGateway.Application app, boolean whole) throws Exception {
        RequestBody.Opened opened = RequestBody.open(ex.request, ex.response, config.limits(), script.scriptFilename(),
                whole, ex.trace);
        switch (opened) {
            case RequestBody.Refused r -> {
                ex.refuse(r.refusal());
                return;
            }
            case RequestBody.ClientGone g -> {
                ex.clientGone(g.why());
                return;
            }
            case RequestBody.Ready ready -> handOn(ex, script, app, ready.body());
        }
    }

    /** Queues the request with its body; the lane owns both from then on, and closes the body after delivering. */
    private void handOn(Exchange ex, Route.FastCgi script, FastCgiGateway.Application app, RequestBody body)
            throws Exception {
        try {
            JettyResponseSink sink = new JettyResponseSink(ex.request, ex.response);
            GatewayRequest request = gatewayRequest(ex, script, body.length());
            queue(ex, script, app, body, sink, request);
        } catch (RuntimeException | Error e) {
            body.close();                 // never handed on (or handed on and closed already: closing twice is harmless)
            throw e;
        }
    }

    private void queue(Exchange ex, Route.FastCgi script, FastCgiGateway.Application app, RequestBody body,
                       JettyResponseSink sink, GatewayRequest request) {
        gateway.submit(request, app, script.scriptFilename().toString(), body.stream(), sink, ex.trace,
                new FastCgiGateway.Completion() {
                    @Override
                    public void outcome(CgiOutcome outcome) {
                        try {
                            ex.deliver(outcome, sink);
                        } catch (Throwable t) {
                            ex.serverFault(t);
                        } finally {
                            done();
                        }
                    }

                    @Override
                    public void fault(Throwable t) {
                        try {
                            ex.serverFault(t);
                        } finally {
                            done();
                        }
                    }

                    private void done() {
                        sink.finish();
                        try {
                            body.close();
                        } catch (java.io.IOException e) {
                            ex.log("could not remove the request body's spool file: " + e);
                        }
                    }
                });
    }

    private GatewayRequest gatewayRequest(Exchange ex, Route.FastCgi s, long length) {
        Path root = config.documentRoot() != null ? config.documentRoot() : s.location().directory();
        String query = ex.request.getHttpURI().getQuery();
        return ex.gatewayRequest(ex.request.getMethod(), ex.request.getHttpURI().getPathQuery(), query == null ? "" : query,
                s.scriptName(), s.pathInfo(), s.scriptFilename(), root, length, false);
    }
}
