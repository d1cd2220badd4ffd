package org.tracegate.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseSink;
import org.tracegate.gateway.fastcgi.LastWriteChannel;
import org.tracegate.gateway.fastcgi.PushSink;

/** Writes a program's response through Jetty, which frames it (chunked for HTTP/1.1, close for 1.0). */
final class JettyResponseSink implements ResponseSink, PushSink {
    private final Request request;
    private final Response response;
    /** Request attribute: an AtomicLong of NPH bytes, which go to the connection, not Jetty's response. */
    static final String NPH_BYTES = "org.tracegate.nphBytes";
    private EndPoint rawEndPoint;
    private ClientProbe.Watch probe;

    JettyResponseSink(Request request, Response response) {
        this.request = request;
        this.response = response;
    }

    @Override
    public WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) throws IOException {
        start(status, reason, headers);
        return new BlockingChannel((last, buf, callback) -> response.write(last, buf, callback));
    }

    @Override
    public void start(int status, String reason, List<ResponseHead.Header> headers) {
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
    }

    /** The push path's write: its completion runs in place (on the selector when the client was slow). */
    @Override
    public void write(ByteBuffer content, boolean last, Consumer<IOException> done) {
        response.write(last, content, Callback.from(Invocable.InvocationType.NON_BLOCKING, () -> done.accept(null),
                x -> done.accept(x instanceof IOException io ? io : new IOException(x))));
    }

    /** Content bytes sent for this request: Jetty's count plus an NPH program's raw bytes. */
    static long contentBytesWritten(Request request, Response response) {
        return Response.getContentBytesWritten(response)
                + (request.getAttribute(NPH_BYTES) instanceof AtomicLong n ? n.get() : 0);
    }

    @Override
    public WritableByteChannel beginRaw() {
        rawEndPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        EndPoint ep = rawEndPoint;
        // NPH bytes bypass the HTTP framing; "last" means nothing on a raw endpoint (closeRaw() ends it).
        AtomicLong sent = new AtomicLong();
        request.setAttribute(NPH_BYTES, sent);
        return new BlockingChannel((last, buf, callback) -> {
            sent.addAndGet(buf.remaining());
            if (buf.hasRemaining()) ep.write(callback, buf);
            else callback.succeeded();
        });
    }

    /**
     * A blocking channel over one of Jetty's asynchronous writes: each write waits for its callback, so the
     * caller's buffer is free again (and may be a reused direct buffer) when write() returns.
     */
    private static final class BlockingChannel implements LastWriteChannel {
        private final AsyncWrite target;
        private boolean open = true;

        BlockingChannel(AsyncWrite target) { this.target = target; }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!open) throw new ClosedChannelException();
            int n = src.remaining();
            send(false, src);
            src.position(src.limit());
            return n;
        }

        private void send(boolean last, ByteBuffer buf) throws IOException {
            try (Blocker.Callback done = Blocker.callback()) {
                target.write(last, buf, done);
                done.block();
            }
        }

        /** Body bytes and the end in one write: before anything was sent, Jetty frames it by Content-Length. */
        @Override
        public void writeLast(ByteBuffer src) throws IOException {
            if (!open) throw new ClosedChannelException();
            open = false;
            send(true, src);
            src.position(src.limit());
        }

        @Override
        public boolean isOpen() { return open; }

        /** Ends the response (the last, empty write). */
        @Override
        public void close() throws IOException {
            if (!open) return;
            open = false;
            send(true, BufferUtil.EMPTY_BUFFER);
        }
    }

    @FunctionalInterface
    private interface AsyncWrite {
        void write(boolean last, ByteBuffer buf, Callback callback);
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
        if (probe != null) probe.cancel();
        probe = ClientProbe.watch(request, action);
    }

    /** Stops probing the client (the request is over). */
    void finish() {
        if (probe != null) probe.cancel();
    }
}
