package org.tracegate.http;

import java.nio.file.Path;
import java.util.Map;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.GatewayRequest;
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

    void run(Exchange ex, Route.FastCgi script) throws Exception {
        FastCgiGateway.Application app = applications.get(script.application());
        ex.handlerChanged(MODULE, "FastCGI", app.backend().describe(), script.scriptFilename());
        RequestBody.Opened opened = RequestBody.open(ex.request, ex.response, config.limits(), script.scriptFilename());
        if (opened instanceof RequestBody.Refused r) {
            ex.refuse(r.refusal());
            return;
        }
        try (RequestBody body = ((RequestBody.Ready) opened).body()) {
            JettyResponseSink sink = new JettyResponseSink(ex.request, ex.response);
            try {
                ex.deliver(gateway.serve(gatewayRequest(ex, script, body.length()), app,
                        script.scriptFilename().toString(), body.stream(), sink, ex.trace), sink);
            } finally {
                sink.finish();
            }
        }
    }

    private GatewayRequest gatewayRequest(Exchange ex, Route.FastCgi s, long length) {
        Path root = config.documentRoot() != null ? config.documentRoot() : s.location().directory();
        String query = ex.request.getHttpURI().getQuery();
        return ex.gatewayRequest(ex.request.getMethod(), ex.request.getHttpURI().getPathQuery(), query == null ? "" : query,
                s.scriptName(), s.pathInfo(), s.scriptFilename(), root, length, false);
    }
}
