package org.tracegate.http;

import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContent;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.tracegate.gateway.Refusal;
import org.tracegate.site.Route;

/**
 * Serves a static file the router chose through Jetty's ResourceService: Content-Type from the file name,
 * ETag and Last-Modified, ranges, conditional requests, HEAD. Only GET and HEAD; other methods are 405.
 */
final class StaticServer {
    static final String MODULE = "StaticFileModule";
    private static final Set<String> METHODS = Set.of("GET", "HEAD");

    private final ResourceService service = new ResourceService();
    private final ResourceFactory resources;
    private final MimeTypes mimeTypes = new MimeTypes();

    StaticServer(ResourceFactory resources) {
        this.resources = resources;
        service.setDirAllowed(false);
        service.setEtags(true);
        service.setAcceptRanges(true);
    }

    void serve(Exchange ex, Route.File file) {
        ex.handlerChanged(MODULE, "StaticFile", "", file.file());
        if (!METHODS.contains(ex.request.getMethod())) {
            ex.response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            ex.refuse(new Refusal.MethodNotAllowed(ex.request.getMethod(), "a static file is only read (GET, HEAD)",
                    file.file()));
            return;
        }
        String type = mimeTypes.getMimeByExtension(file.file().getFileName().toString());
        HttpContent content = new ResourceHttpContent(resources.newResource(file.file()), type);
        service.doGet(ex.request, ex.response, ex.callback(), content);
    }
}
