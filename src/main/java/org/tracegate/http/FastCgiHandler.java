package org.tracegate.http;

import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.FastCgiMapper;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.fastcgi.FastCgiGateway;

/**
 * FastCGI on the HTTP side: map → refuse → body → gateway → answer, like {@link CgiHandler}; the application's
 * own pool queues the requests (no CGI slot is taken).
 */
final class FastCgiHandler extends Handler.Abstract {
    static final String MODULE = "FastCgiModule";

    private final ServerConfig config;
    private final FastCgiMapper mapper;
    private final FastCgiGateway gateway;
    private final Map<FastCgiMapping, FastCgiGateway.Application> applications;

    FastCgiHandler(ServerConfig config, FastCgiMapper mapper, FastCgiGateway gateway,
                   Map<FastCgiMapping, FastCgiGateway.Application> applications) {
        this.config = config;
        this.mapper = mapper;
        this.gateway = gateway;
        this.applications = applications;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String rawPath = request.getHttpURI().getPath();
        FastCgiMapper.Result mapped = mapper.map(rawPath == null ? "/" : rawPath);
        Exchange ex = Exchange.of(request);
        switch (mapped) {
            case FastCgiMapper.NotMapped n -> { return false; }
            case FastCgiMapper.Refused r -> {
                ex.handlerChanged(MODULE, "FastCGI", "", r.refusal().physicalPath());
                ex.refuse(r.refusal());
            }
            case FastCgiMapper.Script s -> run(ex, s);
        }
        return true;
    }

    private void run(Exchange ex, FastCgiMapper.Script script) throws Exception {
        FastCgiGateway.Application app = applications.get(script.mapping());
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

    private GatewayRequest gatewayRequest(Exchange ex, FastCgiMapper.Script s, long length) {
        Path root = config.documentRoot() != null ? config.documentRoot() : s.mapping().directory();
        String query = ex.request.getHttpURI().getQuery();
        return ex.gatewayRequest(ex.request.getMethod(), ex.request.getHttpURI().getPathQuery(), query == null ? "" : query,
                s.scriptName(), s.pathInfo(), s.scriptFilename(), root, length, false);
    }
}
