package org.tracegate.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.tracegate.accesslog.AccessRecord;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.Refusal;
import org.tracegate.gateway.cgi.CgiGateway;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.process.EndedBy;
import org.tracegate.gateway.cgi.ProgramReport;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * One request from its start to its end, whoever serves it (a program, a static file, a refusal): its ids
 * and trace, how it was answered, and the one callback, completed exactly once. {@link RequestHandler}
 * creates it; inner handlers find it with {@link #of} and answer through it. When Jetty completes the
 * response, {@link #completed} emits GENERAL_REQUEST_END, writes the access-log line and hands the trace to
 * the sinks — for every request.
 */
final class Exchange {
    private static final String ATTRIBUTE = "tracegate.exchange";
    private static final int EPIPE = 32;

    final Request request;
    final Response response;
    final RequestTrace trace;
    private final Site site;
    private final OnceCallback callback;
    private final long startNanos = System.nanoTime();
    private final String clientAddress;
    private final String localAddress;
    private final ServerAuthority authority;

    private String module = "Core";
    private String handler = "";
    private Path physicalPath;
    /** The status to record when it differs from the response's (499: the client left first). */
    private int recordedStatus = -1;
    private int subStatus;
    private int win32Status;
    private String programExit;

    private Exchange(Request request, Response response, Callback callback, Site site, RequestContext context) {
        this.request = request;
        this.response = response;
        this.site = site;
        this.trace = new RequestTrace(context);
        this.callback = new OnceCallback(callback, site.errorLog(), context.requestId());
        var meta = request.getConnectionMetaData();
        this.clientAddress = Addresses.text(meta.getRemoteSocketAddress());
        this.localAddress = Addresses.text(meta.getLocalSocketAddress());
        this.authority = ServerAuthority.of(request);
    }

    /** Starts the request's record: events, the id header, the completion hook. */
    static Exchange begin(Request request, Response response, Callback callback, Site site, RequestContext context) {
        Exchange ex = new Exchange(request, response, callback, site, context);
        request.setAttribute(ATTRIBUTE, ex);
        RequestContext c = ex.trace.context();
        ex.trace.emit(new TraceEvent.GeneralRequestStart(c.siteId(), c.appPoolId(), c.connId(), c.rawConnId(),
                ex.url(), String.valueOf(request.getMethod())));
        var meta = request.getConnectionMetaData();
        ex.trace.emit(new TraceEvent.GeneralEndpointInformation(ex.clientAddress,
                Addresses.port(meta.getRemoteSocketAddress()), ex.localAddress,
                Addresses.port(meta.getLocalSocketAddress())));
        ex.trace.emit(new TraceEvent.GeneralRequestHeaders(headersText(request)));
        site.traceSink().requestStarted(ex.trace);
        if (site.live() != null) {
            site.live().started(ex.trace, () -> Request.getContentBytesRead(request),
                    () -> JettyResponseSink.contentBytesWritten(request, response));
        }
        ex.putRequestIdHeader();
        Request.addCompletionListener(request, ex::completed);
        return ex;
    }

    /** The request's exchange, or null when it never reached {@link RequestHandler}. */
    static Exchange find(Request request) { return (Exchange) request.getAttribute(ATTRIBUTE); }

    static Exchange of(Request request) {
        Exchange ex = find(request);
        if (ex == null) throw new IllegalStateException("no exchange: the request did not pass RequestHandler");
        return ex;
    }

    String requestId() { return trace.context().requestId(); }

    /** A line in the site's error log, with this request's id. */
    void log(String message) { site.errorLog().log(requestId(), message); }

    /** The URL as requested; "" when Jetty could not parse one (a bad request line). */
    String url() { return request.getHttpURI() == null ? "" : request.getHttpURI().asString(); }

    String clientAddress() { return clientAddress; }

    String localAddress() { return localAddress; }

    ServerAuthority authority() { return authority; }

    /** The callback for a handler that completes the response itself (static files); once-guarded. */
    Callback callback() { return callback; }

    /** A handler took the request: HANDLER_CHANGED, and the page's Module/Handler/Physical Path rows. */
    void handlerChanged(String module, String handlerName, String scriptProcessor, Path physicalPath) {
        this.module = module;
        this.handler = handlerName;
        this.physicalPath = physicalPath;
        trace.emit(new TraceEvent.HandlerChanged(handlerName, scriptProcessor,
                physicalPath == null ? "" : physicalPath.toString()));
    }

    /** A program ran: its exit for the access log, its errno for sc-win32-status. */
    void programRan(ProgramReport report) {
        if (report.exit() != null) programExit = report.exit().errorCode();
    }

    void win32Status(int errno) { win32Status = errno; }

    /** The response was sent in full with {@code status} (an NPH program's status never passed through Jetty). */
    void succeeded(int status) {
        recordedStatus = status;
        callback.succeeded();
    }

    /**
     * The response broke off after it started: the connection is aborted, not ended cleanly.
     *
     * @param status the status to record (e.g. 499 when the client left first)
     */
    void aborted(int status, Throwable why) {
        recordedStatus = status;
        callback.failed(why);
    }

    /**
     * Answers with a gateway's outcome (CGI or FastCGI): the relayed response completed, a failure's page, or —
     * for a response cut short — a page while nothing was sent yet, else an aborted connection. A local
     * redirect is the caller's to follow.
     */
    void deliver(CgiOutcome outcome, JettyResponseSink sink) {
        programRan(outcome.report());
        switch (outcome) {
            case CgiOutcome.Completed c -> {
                if (sink.raw()) sink.closeRaw();
                succeeded(c.status());
            }
            case CgiOutcome.Failed f -> answer(f.failure(), f.report());
            case CgiOutcome.Aborted a -> {
                boolean clientLeft = a.report().endedBy() == EndedBy.CLIENT_DISCONNECT;
                if (clientLeft) win32Status(EPIPE);
                if (!clientLeft && !sink.raw() && !response.isCommitted()) {
                    // Headers parsed but nothing sent yet: an error page still fits, and is better than the bare 500
                    // Jetty would make of a failed callback.
                    resetResponse();
                    answer(new GatewayFailure.ResponseBroken(a.report().headerBytes(), a.reason(),
                            a.report().endedBy() == EndedBy.IDLE_TIMEOUT), a.report());
                    return;
                }
                if (sink.raw()) sink.closeRaw();
                aborted(a.status(), new AbortedResponse("response aborted: " + a.reason()));
            }
            case CgiOutcome.LocalRedirect r -> throw new IllegalStateException("a local redirect is followed by the caller");
        }
    }

    /** Refused by the server before any program ran. */
    void refuse(Refusal r) {
        String phys = r.physicalPath() == null ? "" : r.physicalPath().toString();
        site.errorLog().log(requestId(), "refused " + r.statusCode() + ": " + r.cause() + " (url "
                + (request.getHttpURI() == null ? "" : request.getHttpURI().getPathQuery()) + (phys.isEmpty() ? "" : ", path " + phys) + ")");
        if (r.physicalPath() != null && physicalPath == null) physicalPath = r.physicalPath();
        answer(r, null);
    }

    /** The client left before anything could be answered (its 100 Continue could not be sent): 499, no page. */
    void clientGone(String why) {
        site.errorLog().log(requestId(), "client left: " + why);
        win32Status(EPIPE);
        aborted(CgiGateway.CLIENT_CLOSED, new AbortedResponse("client left: " + why));
    }

    /** A bug of ours: 500.0 with the request id, or an aborted connection once the response is committed. */
    void serverFault(Throwable t) {
        site.errorLog().log(requestId(), "internal error: " + t);
        if (callback.isDone()) return;
        if (response.isCommitted()) {
            aborted(500, t);
            return;
        }
        response.reset();
        putRequestIdHeader();
        answer(new GatewayFailure.ServerFault(t.toString()), null);
    }

    /** Answers with the failure's status and error page (detailed, generic or problem+json) and completes. */
    void answer(GatewayFailure f, ProgramReport report) {
        if (f instanceof GatewayFailure.LaunchFailed l) win32Status = l.errno();
        subStatus = f.subStatus();
        Problem p = new Problem(f, facts(), report);
        trace.emit(new TraceEvent.ModuleSetResponseErrorStatus(module, f.status(), p.title(), f.subStatus(),
                f.errorCode(), "EXECUTE_REQUEST_HANDLER", f.cause()));
        boolean detailed = switch (site.config().errorMode()) {
            case DETAILED -> true;
            case CUSTOM -> false;
            case DETAILED_LOCAL_ONLY -> isLoopback();
        };
        boolean json = ErrorPages.prefersJson(request.getHeaders().get(HttpHeader.ACCEPT));
        String body = json ? ErrorPages.json(p, detailed) : detailed ? ErrorPages.detailedHtml(p) : ErrorPages.genericHtml(p);
        response.setStatus(f.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, json ? "application/problem+json" : "text/html;charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (f.retryAfterSeconds() > 0) response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(f.retryAfterSeconds()));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        trace.emit(new TraceEvent.GeneralResponseHeaders(responseHeadersText(f.status(), response)));
        trace.emit(new TraceEvent.GeneralResponseEntityBuffer(new String(bytes, 0,
                Math.min(bytes.length, CgiGateway.ENTITY_BUFFER_BYTES), StandardCharsets.ISO_8859_1), bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /**
     * The request as a gateway sees it, for a script the URL was mapped to. {@code method}, {@code uri} and
     * {@code rawQuery} are the request's own, or a local redirect's; without a body ({@code length} -1) the
     * body headers are left out.
     */
    GatewayRequest gatewayRequest(String method, String uri, String rawQuery, String scriptName, String pathInfo,
                                  Path scriptFile, Path documentRoot, long length, boolean passAuthorization) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.getHeaders().size());
        for (HttpField f : request.getHeaders()) {
            if (length < 0 && (f.getHeader() == HttpHeader.CONTENT_LENGTH || f.getHeader() == HttpHeader.CONTENT_TYPE)) continue;
            if (f.getHeader() == HttpHeader.TRANSFER_ENCODING) continue;
            headers.add(new AbstractMap.SimpleImmutableEntry<>(f.getName(), f.getValue()));
        }
        return new GatewayRequest(method, uri, rawQuery, scriptName, pathInfo, scriptFile, documentRoot,
                request.getConnectionMetaData().getProtocol(), authority.name(), authority.port(), localAddress,
                clientAddress, Request.getRemotePort(request), request.isSecure(), length,
                length < 0 ? null : request.getHeaders().get(HttpHeader.CONTENT_TYPE), headers, passAuthorization);
    }

    /** A fresh start of the response (headers parsed, nothing sent): keeps the request id header. */
    void resetResponse() {
        response.reset();
        putRequestIdHeader();
    }

    private Problem.RequestFacts facts() {
        return new Problem.RequestFacts(requestId(), url(), module, handler,
                physicalPath == null ? "" : physicalPath.toString(), (System.nanoTime() - startNanos) / 1_000_000,
                Request.getContentBytesRead(request));
    }

    private void putRequestIdHeader() { response.getHeaders().put("X-Request-Id", requestId()); }

    private boolean isLoopback() {
        return request.getConnectionMetaData().getRemoteSocketAddress() instanceof java.net.InetSocketAddress isa
                && isa.getAddress() != null && isa.getAddress().isLoopbackAddress();
    }

    /** Jetty completed the response (or gave up on it): the request's last record, for every request. */
    private void completed(Throwable failure) {
        int status = recordedStatus >= 0 ? recordedStatus : response.getStatus();
        long sent = JettyResponseSink.contentBytesWritten(request, response);
        long received = Request.getContentBytesRead(request);
        trace.emit(new TraceEvent.GeneralRequestEnd(sent, received, status, subStatus));
        try {
            site.traceSink().requestEnded(trace);
        } catch (RuntimeException e) {
            site.errorLog().log(requestId(), "trace sink failed: " + e);
        } finally {
            if (site.live() != null) site.live().ended(trace);
        }
        if (site.accessLog() == null) return;
        var uri = request.getHttpURI();
        String path = uri == null ? null : uri.getPath();
        String query = uri == null ? null : uri.getQuery();
        long taken = Math.max(0, (System.nanoTime() - startNanos) / 1_000_000);
        site.accessLog().log(new AccessRecord(Instant.now(), localAddress, Request.getLocalPort(request),
                request.getMethod(), path, query, null, clientAddress, Request.getRemotePort(request),
                request.getHeaders().get(HttpHeader.USER_AGENT), request.getHeaders().get(HttpHeader.REFERER),
                request.getConnectionMetaData().getProtocol(), status, subStatus, win32Status,
                sent + headerBytes(response), received, taken, trace.context().activityId().toString(), programExit,
                request.getHeaders().get(HttpHeader.HOST)));
    }

    /** IIS's sc-bytes counts the header block too; Jetty counts only content, so we add an estimate. */
    private static long headerBytes(Response response) {
        long n = 17; // "HTTP/1.1 200 OK\r\n"
        for (HttpField f : response.getHeaders()) n += f.getName().length() + 2 + (f.getValue() == null ? 0 : f.getValue().length()) + 2;
        return n + 2;
    }

    static String responseHeadersText(int status, Response response) {
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(HttpStatus.getMessage(status)).append("\r\n");
        for (HttpField f : response.getHeaders()) sb.append(f.getName()).append(": ").append(f.getValue()).append("\r\n");
        return sb.toString();
    }

    /** The request headers for GENERAL_REQUEST_HEADERS; credentials are never recorded. */
    private static String headersText(Request request) {
        StringBuilder sb = new StringBuilder(256);
        for (HttpField f : request.getHeaders()) {
            boolean secret = f.getHeader() == HttpHeader.AUTHORIZATION || f.getHeader() == HttpHeader.PROXY_AUTHORIZATION;
            sb.append(f.getName()).append(": ").append(secret ? "(hidden)" : f.getValue()).append("\r\n");
        }
        return sb.toString();
    }

    /**
     * Why a response was cut off, for Jetty to abort the connection with. Quiet: the error log already has the
     * cause with the request id, and Jetty would otherwise log each one again as a WARN with a stack trace.
     */
    static final class AbortedResponse extends java.io.IOException implements org.eclipse.jetty.io.QuietException {
        AbortedResponse(String message) { super(message); }
    }
}
