package org.tracegate.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.ConcurrencyGate;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.ScriptMapper;
import org.tracegate.gateway.cgi.CgiGateway;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.gateway.cgi.ProgramReport;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceSink;

/**
 * Jetty glue for CGI: maps the URL, refuses what must not run, turns the Jetty request into a
 * {@link GatewayRequest}, runs it through {@link CgiGateway} and answers failures with error pages.
 * Blocking by design (spawning, pipe I/O): Jetty runs it on one of its platform threads.
 */
final class CgiHandler extends Handler.Abstract {
    static final String MODULE = "CgiModule";
    private static final String CONN_ID = "tracegate.connId";
    private static final String RAW_CONN_COUNTER = "tracegate.rawConnCounter";
    private static final int SITE_ID = 1;
    private static final int EPIPE = 32;
    private static final String APP_POOL = "Tracegate";

    private final ServerConfig config;
    private final ScriptMapper mapper;
    private final CgiGateway gateway;
    private final ConcurrencyGate gate;
    private final ErrorLog errorLog;
    private final TraceSink traceSink;
    private final AtomicLong connections = new AtomicLong();

    CgiHandler(ServerConfig config, ScriptMapper mapper, CgiGateway gateway, ConcurrencyGate gate, ErrorLog errorLog,
               TraceSink traceSink) {
        this.traceSink = traceSink;
        this.config = config;
        this.mapper = mapper;
        this.gateway = gateway;
        this.gate = gate;
        this.errorLog = errorLog;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String rawPath = request.getHttpURI().getPath();
        ScriptMapper.Result mapped = mapper.map(rawPath == null ? "/" : rawPath, request.getMethod());
        if (mapped instanceof ScriptMapper.NotMapped) return false;

        long startNanos = System.nanoTime();
        RequestTrace trace = new RequestTrace(context(request));
        trace.emit(new TraceEvent.GeneralRequestStart(SITE_ID, APP_POOL, trace.context().connId(),
                trace.context().rawConnId(), request.getHttpURI().asString(), request.getMethod()));
        trace.emit(new TraceEvent.GeneralRequestHeaders(headersText(request)));
        traceSink.requestStarted(trace);
        response.getHeaders().put("X-Request-Id", trace.context().requestId());
        Exchange ex = new Exchange(request, response, callback, trace, startNanos);
        try {
            switch (mapped) {
                case ScriptMapper.Refusal r -> ex.refuse(r);
                case ScriptMapper.Script s -> ex.run(s);
                case ScriptMapper.NotMapped n -> throw new IllegalStateException("handled above");
            }
        } catch (Throwable t) {
            errorLog.log(trace.context().requestId(), "internal error: " + t);
            ex.internalError(t);
        }
        return true;
    }

    /** One request's state on the HTTP side. */
    private final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final RequestTrace trace;
        private final long startNanos;
        private int subStatus;
        private int win32Status;
        private String programExit;
        private int finalStatus = 500;
        private long bytesReceived;

        Exchange(Request request, Response response, Callback callback, RequestTrace trace, long startNanos) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.trace = trace;
            this.startNanos = startNanos;
            Request.addCompletionListener(request, this::completed);
        }

        void refuse(ScriptMapper.Refusal r) {
            String phys = r.physicalPath() == null ? "" : r.physicalPath().toString();
            errorLog.log(trace.context().requestId(), "refused " + r.status() + "." + r.subStatus() + ": "
                    + r.reason() + " (url " + request.getHttpURI().getPathQuery() + ", path " + phys + ")");
            Problem p = problem(r.status(), r.subStatus(), refusalCause(r), "", r.status() == 405 ? "" : "",
                    phys, null, "", Problems.refusalAdvice(r.status(), r.subStatus()));
            sendProblem(p);
        }

        void run(ScriptMapper.Script script) throws Exception {
            trace.emit(new TraceEvent.HandlerChanged(script.handlerName(), script.scriptProcessor(),
                    script.scriptFile().toString()));
            long declared = request.getLength();
            boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
            long max = config.limits().maxRequestBody();
            if (declared > max) {
                sendProblem(problem(413, 0, "The request body of " + declared + " bytes is over the limit of "
                        + max + " bytes.", script.handlerName(), "", script.scriptFile().toString(), null, "",
                        Problems.refusalAdvice(413, 0)));
                return;
            }
            BodySpool spool = null;
            InputStream body = null;
            long length = -1;
            try {
                if (chunked) {
                    try {
                        spool = BodySpool.read(Content.Source.asInputStream(request), config.limits().spoolMemory(), max);
                    } catch (BodySpool.TooLarge e) {
                        bytesReceived = e.readSoFar;
                        sendProblem(problem(413, 0, "The chunked request body grew over the limit of " + max
                                + " bytes.", script.handlerName(), "", script.scriptFile().toString(), null, "",
                                Problems.refusalAdvice(413, 0)));
                        return;
                    }
                    length = spool.length();
                    body = spool.open();
                } else if (request.getHeaders().contains(HttpHeader.CONTENT_LENGTH)) {
                    length = declared;
                    body = Content.Source.asInputStream(request);
                    // Answer Expect: 100-continue now: once the program's response is committed it is too late,
                    // and the client would hold the body back while the program waits for it.
                    if (declared > 0 && request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
                        response.writeInterim(100, org.eclipse.jetty.http.HttpFields.EMPTY).get();
                    }
                }
                GatewayFailure.Overloaded busy = gate.acquire();
                if (busy != null) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
                    fail(busy, script, null);
                    return;
                }
                try {
                    serve(script, body, length);
                } finally {
                    gate.release();
                }
            } finally {
                if (spool != null) spool.close();
            }
        }

        private void serve(ScriptMapper.Script script, InputStream body, long length) {
            GatewayRequest gr = gatewayRequest(script, request.getMethod(), request.getHttpURI().getPathQuery(),
                    query(request.getHttpURI().getQuery()), length);
            JettyResponseSink sink = new JettyResponseSink(request, response);
            try {
                relay(script, gr, body, sink);
            } finally {
                sink.finish();
            }
        }

        private void relay(ScriptMapper.Script script, GatewayRequest gr, InputStream body, JettyResponseSink sink) {
            for (int hop = 0; ; hop++) {
                CgiOutcome outcome = gateway.serve(gr, script.argv(), body, sink, trace);
                bytesReceived += outcome.report().bytesFromClient();
                if (outcome.report().exit() != null) programExit = outcome.report().exit().errorCode();
                switch (outcome) {
                    case CgiOutcome.Completed c -> {
                        if (sink.raw()) sink.closeRaw();
                        end(c.status(), 0);
                        callback.succeeded();
                        return;
                    }
                    case CgiOutcome.Failed f -> {
                        fail(f.failure(), script, f.report());
                        return;
                    }
                    case CgiOutcome.Aborted a -> {
                        boolean clientLeft = a.report().endedBy() == org.tracegate.process.EndedBy.CLIENT_DISCONNECT;
                        if (clientLeft) win32Status = EPIPE;
                        if (!clientLeft && !sink.raw() && !response.isCommitted()) {
                            // Headers parsed but nothing sent yet: an error page still fits, and is better than
                            // the bare 500 Jetty would make of a failed callback.
                            response.reset();
                            response.getHeaders().put("X-Request-Id", trace.context().requestId());
                            fail(new GatewayFailure.ResponseBroken(a.report().headerBytes(), a.reason(),
                                    a.report().endedBy() == org.tracegate.process.EndedBy.IDLE_TIMEOUT), script, a.report());
                            return;
                        }
                        end(a.status(), 0);
                        if (sink.raw()) sink.closeRaw();
                        callback.failed(new IOException("response aborted: " + a.reason()));
                        return;
                    }
                    case CgiOutcome.LocalRedirect r -> {
                        if (hop + 1 > config.limits().redirectHops()) {
                            fail(new GatewayFailure.TooManyRedirects(config.limits().redirectHops(), r.location()),
                                    script, r.report());
                            return;
                        }
                        String location = r.location();
                        int q = location.indexOf('?');
                        String path = q < 0 ? location : location.substring(0, q);
                        String rawQuery = q < 0 ? "" : location.substring(q + 1);
                        ScriptMapper.Result next = mapper.map(path, "GET");
                        if (!(next instanceof ScriptMapper.Script s)) {
                            // Not a program: the client fetches it itself (a static page, say).
                            response.setStatus(302);
                            response.getHeaders().put(HttpHeader.LOCATION, location);
                            end(302, 0);
                            response.write(true, null, callback);
                            return;
                        }
                        script = s;
                        trace.emit(new TraceEvent.HandlerChanged(s.handlerName(), s.scriptProcessor(), s.scriptFile().toString()));
                        gr = gatewayRequest(s, "GET", location, rawQuery, -1);
                        body = null;
                    }
                }
            }
        }

        private GatewayRequest gatewayRequest(ScriptMapper.Script s, String method, String uri, String rawQuery,
                                              long length) {
            List<Map.Entry<String, String>> headers = new ArrayList<>(request.getHeaders().size());
            for (HttpField f : request.getHeaders()) {
                if (length < 0 && (f.getHeader() == HttpHeader.CONTENT_LENGTH || f.getHeader() == HttpHeader.CONTENT_TYPE)) continue;
                if (f.getHeader() == HttpHeader.TRANSFER_ENCODING) continue;
                headers.add(new AbstractMap.SimpleImmutableEntry<>(f.getName(), f.getValue()));
            }
            Path root = config.documentRoot() != null ? config.documentRoot() : s.mapping().directory();
            return new GatewayRequest(method, uri, rawQuery, s.scriptName(), s.pathInfo(), s.scriptFile(), root,
                    request.getConnectionMetaData().getProtocol(), Request.getServerName(request),
                    Request.getServerPort(request), unbracket(Request.getLocalAddr(request)),
                    unbracket(Request.getRemoteAddr(request)), Request.getRemotePort(request),
                    request.isSecure(), length, length < 0 ? null : request.getHeaders().get(HttpHeader.CONTENT_TYPE),
                    headers, s.mapping().passAuthorization());
        }

        private void fail(GatewayFailure f, ScriptMapper.Script script, ProgramReport report) {
            if (f instanceof GatewayFailure.LaunchFailed l) win32Status = l.errno();
            Problem p = problem(f.status(), f.subStatus(), f.cause(), script.handlerName(), f.errorCode(),
                    script.scriptFile().toString(), report == null ? null : report.headerBytes(),
                    report == null ? "" : report.stderrTail(), Problems.thingsToTry(f));
            sendProblem(p);
        }

        void internalError(Throwable t) {
            if (response.isCommitted()) {
                callback.failed(t);
                return;
            }
            sendProblem(problem(500, 0, "The server itself failed: " + t, "", "", "", null, "",
                    List.of("Report this with the request id and error.log.")));
        }

        private Problem problem(int status, int sub, String cause, String handler, String errorCode, String physical,
                                byte[] headerBytes, String stderrTail, List<String> advice) {
            long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
            return new Problem(status, sub, HttpStatus.getMessage(status), cause, MODULE, handler, errorCode,
                    request.getHttpURI().asString(), physical, headerBytes, stderrTail, elapsed, bytesReceived, 0,
                    trace.context().requestId(), advice);
        }

        private void sendProblem(Problem p) {
            subStatus = p.subStatus();
            trace.emit(new TraceEvent.ModuleSetResponseErrorStatus(p.module(), p.status(), p.title(), p.subStatus(),
                    p.errorCode(), "EXECUTE_REQUEST_HANDLER"));
            boolean detailed = switch (config.errorMode()) {
                case DETAILED -> true;
                case CUSTOM -> false;
                case DETAILED_LOCAL_ONLY -> isLocal(request);
            };
            boolean json = prefersJson(request);
            String body = json ? ErrorPages.json(p, detailed)
                    : detailed ? ErrorPages.detailedHtml(p) : ErrorPages.genericHtml(p);
            response.setStatus(p.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, json ? "application/problem+json" : "text/html;charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            end(p.status(), p.subStatus());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            trace.emit(new TraceEvent.GeneralResponseHeaders(responseHeadersText(p.status(), response)));
            trace.emit(new TraceEvent.GeneralResponseEntityBuffer(
                    new String(bytes, 0, Math.min(bytes.length, CgiGateway.ENTITY_BUFFER_BYTES), StandardCharsets.ISO_8859_1), bytes.length));
            response.write(true, ByteBuffer.wrap(bytes), callback);
        }

        /** Records the final status; GENERAL_REQUEST_END is emitted when Jetty completes the response. */
        private void end(int status, int sub) {
            finalStatus = status;
            if (sub != 0) subStatus = sub;
            // Before the callback completes: Jetty's request log may run before completion listeners.
            request.setAttribute(RequestOutcome.ATTRIBUTE, new RequestOutcome(trace.context().activityId().toString(),
                    subStatus, win32Status, programExit));
        }

        private void completed(Throwable failure) {
            trace.emit(new TraceEvent.GeneralRequestEnd(JettyResponseSink.contentBytesWritten(request, response), bytesReceived,
                    finalStatus, subStatus));
            try {
                traceSink.requestEnded(trace);
            } catch (RuntimeException e) {
                errorLog.log(trace.context().requestId(), "trace sink failed: " + e);
            }
        }
    }

    private static String refusalCause(ScriptMapper.Refusal r) {
        return switch (r.status() * 10 + r.subStatus()) {
            case 4040 -> "The requested program does not exist: " + r.reason() + ".";
            case 4031 -> "The file exists but may not be executed: " + r.reason() + "; its contents are never served.";
            case 4042 -> "The program is not allowed to run: " + r.reason() + ".";
            case 4050 -> "The method is not allowed: " + r.reason() + ".";
            default -> "The request was refused: " + r.reason() + ".";
        };
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

    static String responseHeadersText(int status, Response response) {
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(HttpStatus.getMessage(status)).append("\r\n");
        for (HttpField f : response.getHeaders()) sb.append(f.getName()).append(": ").append(f.getValue()).append("\r\n");
        return sb.toString();
    }

    private static String headersText(Request request) {
        StringBuilder sb = new StringBuilder(256);
        for (HttpField f : request.getHeaders()) {
            String v = f.getHeader() == HttpHeader.AUTHORIZATION ? "(hidden)" : f.getValue();
            sb.append(f.getName()).append(": ").append(v).append("\r\n");
        }
        return sb.toString();
    }

    static boolean isLocal(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa && isa.getAddress() != null && isa.getAddress().isLoopbackAddress();
    }

    /** JSON when the client ranks a JSON type above text/html (curl's and browsers' defaults give HTML). */
    static boolean prefersJson(Request request) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (accept == null) return false;
        double json = 0, html = 0;
        for (String part : accept.split(",")) {
            String[] bits = part.trim().split(";");
            String type = bits[0].trim().toLowerCase(java.util.Locale.ROOT);
            double q = 1;
            for (int i = 1; i < bits.length; i++) {
                String b = bits[i].trim();
                if (b.startsWith("q=")) {
                    try { q = Double.parseDouble(b.substring(2)); } catch (NumberFormatException e) { q = 0; }
                }
            }
            if (type.equals("application/problem+json") || type.equals("application/json")) json = Math.max(json, q);
            if (type.equals("text/html")) html = Math.max(html, q);
        }
        return json > 0 && json > html;
    }

    private static String query(String q) { return q == null ? "" : q; }

    private static String unbracket(String a) {
        return a != null && a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
    }
}
