package org.tracegate.http;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.Resource;
import org.tracegate.gateway.Refusal;

/**
 * Static files from a directory through Jetty's ResourceHandler (Content-Type, ETag, Last-Modified, ranges,
 * conditional requests), with our records around it: HANDLER_CHANGED when a file is there, and a 403.14 of
 * ours for a directory without an index file instead of Jetty's bare error page. Nothing there: not ours
 * (the next handler, finally the 404.0 page).
 */
final class StaticFiles extends Handler.Wrapper {
    static final String MODULE = "StaticFileModule";
    private static final List<String> WELCOME = List.of("index.html");

    private final Resource base;

    StaticFiles(ResourceHandler files, Resource base) {
        super(files);
        this.base = base;
        files.setBaseResource(base);
        files.setDirAllowed(false);
        files.setWelcomeFiles(WELCOME);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Resource r = base.resolve(Request.getPathInContext(request));
        if (r == null || !r.exists()) return false;
        Exchange ex = Exchange.of(request);
        Path path = r.getPath();
        ex.handlerChanged(MODULE, "StaticFile", "", path);
        if (r.isDirectory() && WELCOME.stream().noneMatch(w -> {
            Resource welcome = r.resolve(w);
            return welcome != null && welcome.exists() && !welcome.isDirectory();
        })) {
            ex.refuse(new Refusal.DirectoryListingDenied(path));
            return true;
        }
        if (!super.handle(request, response, ex.callback())) {
            ex.refuse(new Refusal.NotFound("the static file could not be served", path));
        }
        return true;
    }
}
