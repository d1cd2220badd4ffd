package org.tracegate.gateway.cgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ResponseSink} in memory: records status, headers, body and raw bytes, and can play a client that
 * goes away (its writes fail, or the probe notices it while the program is silent). Writes consume the whole
 * buffer, as the HTTP layer's blocking channels do.
 */
final class MemorySink implements ResponseSink {
    volatile int status = -1;
    volatile String reason;
    volatile List<ResponseHead.Header> headers;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    volatile boolean began;
    volatile boolean beganRaw;
    /** The response was ended cleanly (its channel closed). */
    volatile boolean ended;
    private volatile Runnable onGone;
    private volatile int writesAllowed = Integer.MAX_VALUE;
    private volatile boolean refuseBegin;
    private final CountDownLatch firstWrite = new CountDownLatch(1);
    private final CountDownLatch watched = new CountDownLatch(1);

    /** Writes after the first {@code n} fail as a gone client's do. */
    MemorySink failWritesAfter(int n) {
        writesAllowed = n;
        return this;
    }

    /** The client is gone before the response starts. */
    MemorySink refuseBegin() {
        refuseBegin = true;
        return this;
    }

    /** The client goes away, as the HTTP layer's probe reports it. */
    void clientLeaves() throws InterruptedException {
        if (!watched.await(10, TimeUnit.SECONDS)) throw new AssertionError("the gateway never watched the client");
        onGone.run();
    }

    boolean awaitFirstWrite() throws InterruptedException { return firstWrite.await(10, TimeUnit.SECONDS); }

    String bodyText() { return body.toString(java.nio.charset.StandardCharsets.ISO_8859_1); }

    @Override
    public WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) throws IOException {
        if (refuseBegin) throw new IOException("Connection reset by peer");
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        began = true;
        return new Channel(body);
    }

    @Override
    public WritableByteChannel beginRaw() {
        beganRaw = true;
        return new Channel(raw);
    }

    @Override
    public void onClientGone(Runnable action) {
        onGone = action;
        watched.countDown();
    }

    private final class Channel implements WritableByteChannel {
        private final ByteArrayOutputStream to;
        private boolean open = true;
        private int writes;

        Channel(ByteArrayOutputStream to) { this.to = to; }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!open) throw new ClosedChannelException();
            if (writes++ >= writesAllowed) throw new IOException("Broken pipe");
            byte[] b = new byte[src.remaining()];
            src.get(b);
            synchronized (to) {
                to.write(b);
            }
            firstWrite.countDown();
            return b.length;
        }

        @Override
        public boolean isOpen() { return open; }

        @Override
        public void close() {
            open = false;
            ended = true;
        }
    }
}
