package org.tracegate.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.tracegate.gateway.Refusal;
import org.tracegate.site.Route;
import org.tracegate.site.Router;

/**
 * The site: asks the {@link Router} where a request goes and hands it to the runner for that — a CGI program, a
 * FastCGI application, a static file — or answers a redirect or a refusal.
 *
 * <p>Declared non-blocking, so Jetty calls it on the thread that parsed the request (often the selector's). A
 * FastCGI request whose body needs no reading up front is queued on its application's lanes right here; all else
 * (spawning, pipe and file I/O, spooling a chunked body) is handed to Jetty's thread pool. Before, Jetty woke a
 * pool thread for every request: for the FastCGI hello that hand-off was a context switch and ~14 % of our CPU.
 */
final class SiteHandler extends Handler.Abstract {
    private final Router router;
    private final CgiRunner cgi;
    private final FastCgiRunner fastcgi;
    private final StaticServer files;

    SiteHandler(Router router, CgiRunner cgi, FastCgiRunner fastcgi, StaticServer files) {
        super(InvocationType.NON_BLOCKING);
        this.router = router;
        this.cgi = cgi;
        this.fastcgi = fastcgi;
        this.files = files;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String rawPath = request.getHttpURI().getPath();
        Exchange ex = Exchange.of(request);
        Route route = router.route(rawPath == null ? "/" : rawPath, request.getMethod());
        if (route instanceof Route.FastCgi f && fastcgi != null && FastCgiRunner.queuesWithoutBlocking(request, f.application())) {
            fastcgi.run(ex, f);
            return true;
        }
        request.getComponents().getExecutor().execute(() -> {
            try {
                serve(route, ex, request, response);
            } catch (Throwable t) {
                ex.serverFault(t);
            }
        });
        return true;
    }

    private void serve(Route route, Exchange ex, Request request, Response response) throws Exception {
        switch (route) {
            case Route.Program p -> cgi.run(ex, p);
            case Route.FastCgi f -> {
                if (fastcgi == null) throw new IllegalStateException("a FastCGI route without FastCGI applications");
                fastcgi.run(ex, f);
            }
            case Route.File f -> files.serve(ex, f);
            case Route.Redirect r -> {
                String query = request.getHttpURI().getQuery();
                response.setStatus(301);
                response.getHeaders().put(HttpHeader.LOCATION, r.location() + (query == null ? "" : "?" + query));
                response.write(true, null, ex.callback());
            }
            case Route.Refused r -> ex.refuse(r.refusal());
            case Route.Unmapped u -> ex.refuse(new Refusal.NotFound(u.why(), null));
        }
    }
}
