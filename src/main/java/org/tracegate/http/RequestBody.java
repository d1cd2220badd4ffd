package org.tracegate.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.tracegate.config.Limits;
import org.tracegate.gateway.Refusal;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * A CGI request's body, ready for the program: a Content-Length body streams as it arrives; a chunked one is
 * spooled first (CGI needs CONTENT_LENGTH up front), so a chunked body the client breaks — a bad chunk size,
 * data longer than its size, a truncated body — is refused with 400 before any program sees a byte of it. Asked for
 * the whole body (a FastCGI application's {@code requestBuffering}), a Content-Length body is spooled too.
 */
final class RequestBody implements AutoCloseable {
    /** No body at all. */
    static final RequestBody NONE = new RequestBody(null, -1, null);

    private final InputStream stream;
    private final long length;
    private final BodySpool spool;

    private RequestBody(InputStream stream, long length, BodySpool spool) {
        this.stream = stream;
        this.length = length;
        this.spool = spool;
    }

    /** The body as the program reads it, or null when there is none. */
    InputStream stream() { return stream; }

    /** The exact length (CONTENT_LENGTH), or -1 when there is no body. */
    long length() { return length; }

    /** A body, the refusal to answer instead, or a client already gone. */
    sealed interface Opened permits Ready, Refused, ClientGone {}

    record Ready(RequestBody body) implements Opened {}

    record Refused(Refusal refusal) implements Opened {}

    /** The client left before we could answer its {@code Expect: 100-continue}: nobody to answer, and no fault of ours. */
    record ClientGone(String why) implements Opened {}

    static Opened open(Request request, Response response, Limits limits, Path script, RequestTrace trace) throws IOException {
        return open(request, response, limits, script, false, trace);
    }

    /**
     * @param whole whether a Content-Length body is read whole before this returns (spooled), as a chunked one is
     * @param trace gets GENERAL_READ_ENTITY_START and _END around a body read whole
     */
    static Opened open(Request request, Response response, Limits limits, Path script, boolean whole, RequestTrace trace)
            throws IOException {
        long max = limits.maxRequestBody();
        long declared = request.getLength();
        if (declared > max) return new Refused(new Refusal.BodyTooLarge(max, false, script));
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (!chunked && !request.getHeaders().contains(HttpHeader.CONTENT_LENGTH)) return new Ready(NONE);
        // Answer Expect: 100-continue now: once the program's response is committed it is too late, and the
        // client would hold the body back while the program waits for it.
        if (declared > 0 && request.getHeaders().contains(HttpHeader.EXPECT, "100-continue")) {
            try {
                response.writeInterim(100, HttpFields.EMPTY).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sending 100 Continue", e);
            } catch (java.util.concurrent.ExecutionException e) {
                // An I/O failure is the connection gone under the write; anything else (Jetty's state) is ours.
                if (e.getCause() instanceof IOException io) {
                    return new ClientGone("the client left before 100 Continue could be sent (" + io + ")");
                }
                throw new IOException("cannot send 100 Continue: " + e.getCause(), e.getCause());
            }
        }
        if (chunked || whole && declared > 0) return spooled(request, limits, script, chunked, declared, trace);

        return new Ready(new RequestBody(Content.Source.asInputStream(request), declared, null));
    }

    /** The body read whole: every way it ends is a GENERAL_READ_ENTITY_END, a fault of ours included. */
    private static Opened spooled(Request request, Limits limits, Path script, boolean chunked, long declared,
                                  RequestTrace trace) {
        long max = limits.maxRequestBody();
        trace.emit(new TraceEvent.GeneralReadEntityStart());
        BodySpool spool = null;
        RequestBody body = null;
        try {
            spool = BodySpool.read(Content.Source.asInputStream(request), limits.spoolMemory(), max,
                    limits.spoolDirectoryOrTemp());
            body = new RequestBody(spool.open(), spool.length(), spool);
            trace.emit(new TraceEvent.GeneralReadEntityEnd(spool.length(), "0", spool.inFile()));
            return new Ready(body);
        } catch (BodySpool.TooLarge e) {
            trace.emit(new TraceEvent.GeneralReadEntityEnd(e.readSoFar, "TOO_LARGE", false));
            return new Refused(new Refusal.BodyTooLarge(max, true, script));
        } catch (BodySpool.SpoolFailed e) {
            closeQuietly(spool);
            trace.emit(new TraceEvent.GeneralReadEntityEnd(Request.getContentBytesRead(request), "NOT_STORED", true));
            return new Refused(new Refusal.BodyNotStored(e.directory, e.getMessage(), script));
        } catch (IOException e) {
            long received = Request.getContentBytesRead(request);
            if (timedOut(e)) {
                trace.emit(new TraceEvent.GeneralReadEntityEnd(received, "TIMEOUT", false));
                var endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
                boolean stopping = request.getConnectionMetaData().getConnector().getServer().isStopping();
                return new Refused(new Refusal.BodyTimedOut(java.time.Duration.ofMillis(endPoint.getIdleTimeout()),
                        received, chunked ? -1 : declared, stopping, script));
            }
            trace.emit(new TraceEvent.GeneralReadEntityEnd(received, "BROKEN", false));
            return new Refused(new Refusal.BadRequest(brokenBody(e, chunked, declared)));
        } catch (RuntimeException | Error e) {
            if (body != null) closeQuietly(body);
            else closeQuietly(spool);
            trace.emit(new TraceEvent.GeneralReadEntityEnd(Request.getContentBytesRead(request), "FAULT", false));
            throw e;
        }
    }

    /** Jetty fails a read that waited out the idle timeout with a TimeoutException, wrapped in an IOException. */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) return true;
        }
        return false;
    }

    private static void closeQuietly(AutoCloseable spoolOrBody) {
        if (spoolOrBody == null) return;
        try {
            spoolOrBody.close();
        } catch (Exception e) {
            // its file is in the spool directory; nothing else holds it
        }
    }

    /** Jetty's parser reports a broken or cut body as an IOException; its message says what broke. */
    private static String brokenBody(IOException e, boolean chunked, long declared) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) t = t.getCause();
        String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (!chunked) {
            return "the request body ended before its Content-Length of " + declared + " bytes (" + why + ")";
        }
        if (why.contains("Early EOF") || t instanceof java.io.EOFException) {
            return "the chunked request body ended early (the client closed the connection before the last chunk)";
        }
        return "the chunked request body is malformed (" + why + ")";
    }

    @Override
    public void close() throws IOException {
        // The spool's stream first: a deleted temp file still open would hold its disk space until a GC.
        if (spool == null) return;
        try {
            stream.close();
        } finally {
            spool.close();
        }
    }
}
