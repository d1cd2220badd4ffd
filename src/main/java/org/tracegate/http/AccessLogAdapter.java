package org.tracegate.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.tracegate.accesslog.AccessLogWriter;
import org.tracegate.accesslog.AccessRecord;

/** Jetty's request log hook → one {@link AccessRecord} per request, for every request (static files too). */
final class AccessLogAdapter implements RequestLog {
    private final AccessLogWriter writer;

    AccessLogAdapter(AccessLogWriter writer) { this.writer = writer; }

    @Override
    public void log(Request request, Response response) {
        RequestOutcome o = (RequestOutcome) request.getAttribute(RequestOutcome.ATTRIBUTE);
        long now = System.currentTimeMillis();
        long taken = Math.max(0, now - Request.getTimeStamp(request));
        var uri = request.getHttpURI();
        writer.log(new AccessRecord(Instant.ofEpochMilli(now), host(request.getConnectionMetaData().getLocalSocketAddress()),
                Request.getLocalPort(request), request.getMethod(), uri.getPath(), uri.getQuery(), null,
                host(request.getConnectionMetaData().getRemoteSocketAddress()), Request.getRemotePort(request),
                request.getHeaders().get(HttpHeader.USER_AGENT), request.getHeaders().get(HttpHeader.REFERER),
                request.getConnectionMetaData().getProtocol(), response.getStatus(), o == null ? 0 : o.subStatus(),
                o == null ? 0 : o.win32Status(), JettyResponseSink.contentBytesWritten(request, response) + headerBytes(response),
                Request.getContentBytesRead(request), taken, o == null ? null : o.activityId(),
                o == null ? null : o.programExit(), request.getHeaders().get(HttpHeader.HOST)));
    }

    /** IIS's sc-bytes counts the header block too; Jetty counts only content, so we add an estimate. */
    private static long headerBytes(Response response) {
        long n = 17; // "HTTP/1.1 200 OK\r\n"
        for (HttpField f : response.getHeaders()) n += f.getName().length() + 2 + (f.getValue() == null ? 0 : f.getValue().length()) + 2;
        return n + 2;
    }

    private static String host(SocketAddress a) {
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : "-";
    }
}
