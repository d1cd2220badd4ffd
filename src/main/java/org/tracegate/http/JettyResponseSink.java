package org.tracegate.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.FutureCallback;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseSink;

/** Writes a program's response through Jetty, which frames it (chunked for HTTP/1.1, close for 1.0). */
final class JettyResponseSink implements ResponseSink {
    private final Request request;
    private final Response response;
    private EndPoint rawEndPoint;
    private java.util.concurrent.ScheduledFuture<?> probe;

    JettyResponseSink(Request request, Response response) {
        this.request = request;
        this.response = response;
    }

    @Override
    public OutputStream begin(int status, String reason, List<ResponseHead.Header> headers) throws IOException {
        response.setStatus(status);
        var fields = response.getHeaders();
        for (ResponseHead.Header h : headers) {
            // Jetty owns Date and Server; a program's Content-Length is kept so Jetty can frame by it.
            if (h.name().equalsIgnoreCase("Date") || h.name().equalsIgnoreCase("Server")) {
                fields.put(h.name(), h.value());
            } else {
                fields.add(h.name(), h.value());
            }
        }
        return Content.Sink.asOutputStream(response);
    }

    @Override
    public OutputStream beginRaw() {
        rawEndPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        EndPoint ep = rawEndPoint;
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                FutureCallback done = new FutureCallback();
                ep.write(done, ByteBuffer.wrap(b.clone(), off, len));
                try {
                    done.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        };
    }

    boolean raw() { return rawEndPoint != null; }

    /** NPH responses have no framing of ours: the connection ends with them. */
    void closeRaw() {
        rawEndPoint.shutdownOutput();
        rawEndPoint.close();
    }

    /**
     * Jetty's failure listeners are not used: they also fire on a graceful stop, which is not a client
     * leaving. Writes to a gone client fail on their own; a silent program's client is probed.
     */
    @Override
    public void onClientGone(Runnable action) {
        if (probe != null) probe.cancel(false);
        probe = ClientProbe.watch(request, action);
    }

    /** Stops probing the client (the request is over). */
    void finish() {
        if (probe != null) probe.cancel(false);
    }
}
