package org.tracegate.http;

import java.io.InputStream;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpHeader;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.ConcurrencyGate;
import org.tracegate.gateway.CrashLoopGuard;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.ProgramPolicies;
import org.tracegate.gateway.ProgramPolicy;
import org.tracegate.gateway.Refusal;
import org.tracegate.gateway.SuexecCheck;
import org.tracegate.gateway.cgi.CgiGateway;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.site.Route;
import org.tracegate.site.Router;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceEvent;

/**
 * Runs a CGI program the router chose: refuse (suEXEC, crash loop) → body → gate → gateway → answer. Everything
 * per request that is not CGI's (ids, events, the access log, completing the callback) belongs to the
 * {@link Exchange}. Blocking by design (spawning, pipe I/O): Jetty runs it on one of its platform threads.
 */
final class CgiRunner {
    static final String MODULE = "CgiModule";

    private final ServerConfig config;
    private final Router router;
    private final CgiGateway gateway;
    private final ConcurrencyGate gate;
    private final ProgramPolicies policies;
    private final CrashLoopGuard crashLoops;
    private final ErrorLog errorLog;

    CgiRunner(ServerConfig config, Router router, CgiGateway gateway, ConcurrencyGate gate, ProgramPolicies policies,
              CrashLoopGuard crashLoops, ErrorLog errorLog) {
        this.config = config;
        this.router = router;
        this.gateway = gateway;
        this.gate = gate;
        this.policies = policies;
        this.crashLoops = crashLoops;
        this.errorLog = errorLog;
    }

    void run(Exchange ex, Route.Program script) throws Exception {
        ex.handlerChanged(MODULE, script.handlerName(), script.scriptProcessor(), script.script());
        ProgramPolicy policy = policies.of(script.location().key());
        if (policy.suexec()) {
            Refusal refused = SuexecCheck.check(script.script(), policy.uid(), policy.runAsText());
            if (refused != null) {
                ex.refuse(refused);
                return;
            }
        }
        if (!admitted(ex, script)) return;
        RequestBody.Opened opened = RequestBody.open(ex.request, ex.response, config.limits(), script.script(), ex.trace);
        if (opened instanceof RequestBody.Refused r) {
            ex.refuse(r.refusal());
            return;
        }
        if (opened instanceof RequestBody.ClientGone g) {
            ex.clientGone(g.why());
            return;
        }
        try (RequestBody body = ((RequestBody.Ready) opened).body()) {
            GatewayFailure.Overloaded busy = gate.acquire();
            if (busy != null) {
                ex.answer(busy, null);
                return;
            }
            try {
                JettyResponseSink sink = new JettyResponseSink(ex.request, ex.response);
                try {
                    relay(ex, script, policy, body.stream(), body.length(), sink);
                } finally {
                    sink.finish();
                }
            } finally {
                gate.release();
            }
        }
    }

    /** Runs the program, following local redirects (RFC 3875 §6.2.2) up to the hop limit. */
    private void relay(Exchange ex, Route.Program script, ProgramPolicy policy, InputStream body, long length,
                       JettyResponseSink sink) {
        GatewayRequest gr = gatewayRequest(ex, script, ex.request.getMethod(), ex.request.getHttpURI().getPathQuery(),
                query(ex.request.getHttpURI().getQuery()), length);
        for (int hop = 0; ; hop++) {
            CgiOutcome outcome = gateway.serve(gr, script.argv(), policy, body, sink, ex.trace);
            if (outcome instanceof CgiOutcome.Failed f && f.failure().status() == 502) failed(ex, script, f.failure());
            switch (outcome) {
                case CgiOutcome.Completed c -> {
                    ex.deliver(c, sink);
                    return;
                }
                case CgiOutcome.Failed f -> {
                    ex.deliver(f, sink);
                    return;
                }
                case CgiOutcome.Aborted a -> {
                    ex.deliver(a, sink);
                    return;
                }
                case CgiOutcome.LocalRedirect r -> {
                    ex.programRan(r.report());
                    if (hop + 1 > config.limits().redirectHops()) {
                        ex.answer(new GatewayFailure.TooManyRedirects(config.limits().redirectHops(), r.location()),
                                r.report());
                        return;
                    }
                    String location = r.location();
                    int q = location.indexOf('?');
                    String path = q < 0 ? location : location.substring(0, q);
                    String rawQuery = q < 0 ? "" : location.substring(q + 1);
                    if (!(router.route(path, "GET") instanceof Route.Program next)) {
                        // Not a program: the client fetches it itself (a static page, say).
                        ex.response.setStatus(302);
                        ex.response.getHeaders().put(HttpHeader.LOCATION, location);
                        ex.response.write(true, null, ex.callback());
                        return;
                    }
                    script = next;
                    policy = policies.of(next.location().key());
                    ex.handlerChanged(MODULE, next.handlerName(), next.scriptProcessor(), next.script());
                    gr = gatewayRequest(ex, next, "GET", location, rawQuery, -1);
                    body = null;
                }
            }
        }
    }

    /** The crash-loop guard's say: a resting program is refused 503.3; the first request after its rest is marked. */
    private boolean admitted(Exchange ex, Route.Program script) {
        switch (crashLoops.admit(script.script())) {
            case CrashLoopGuard.Refused r -> {
                ex.refuse(r.refusal());
                return false;
            }
            case CrashLoopGuard.Recovered r -> {
                ex.trace.emit(new TraceEvent.CgiCrashLoopRecovered(r.program().toString(), r.restedSeconds()));
                errorLog.log(ex.requestId(), "crash loop over: " + r.program() + " is started again after resting "
                        + r.restedSeconds() + " s");
            }
            case CrashLoopGuard.Admitted a -> { }
        }
        return true;
    }

    private void failed(Exchange ex, Route.Program script, GatewayFailure failure) {
        CrashLoopGuard.Tripped t = crashLoops.failed(script.script(), failure.statusCode() + " " + failure.cause());
        if (t == null) return;
        ex.trace.emit(new TraceEvent.CgiCrashLoopTripped(t.program().toString(), t.failures(), t.windowSeconds(),
                t.until().toString(), t.lastCause()));
        errorLog.log(ex.requestId(), "crash loop: " + t.program() + " failed " + t.failures() + " times within "
                + t.windowSeconds() + " s; not started again before " + t.until() + " (503.3 meanwhile). Last: "
                + t.lastCause());
    }

    private GatewayRequest gatewayRequest(Exchange ex, Route.Program s, String method, String uri,
                                          String rawQuery, long length) {
        Path root = config.documentRoot() != null ? config.documentRoot() : s.location().directory();
        return ex.gatewayRequest(method, uri, rawQuery, s.scriptName(), s.pathInfo(), s.script(), root, length,
                s.location().passAuthorization());
    }

    private static String query(String q) { return q == null ? "" : q; }
}
