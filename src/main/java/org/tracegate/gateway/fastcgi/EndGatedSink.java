package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseSink;

/**
 * The gateway's sink, except that closing the body channel ends the response only when the request ended
 * with END_REQUEST (REQUEST_COMPLETE). BodyRelay ends a response cleanly when its channel reaches EOF, which
 * for a pipe is the program's end; for FastCGI, STDOUT also stops when a worker is killed, and such a
 * truncated body must stay open for the gateway to abort, not be completed with a final chunk.
 *
 * <p>When the rest of the request (its END_REQUEST) is already read, so that no write can be followed by a
 * wait on the application, body bytes are held back (up to {@link #HOLD_BYTES}) and go out with the end of
 * the response in one write ({@link LastWriteChannel}): a small page is one syscall to the client with a
 * Content-Length, instead of a chunk and then the last chunk. Never while the application may still be
 * working, so a streamed response's bytes are not delayed.
 */
final class EndGatedSink implements ResponseSink {
    /** The most body bytes held back for the last write. */
    static final int HOLD_BYTES = 32 * 1024;

    private final ResponseSink sink;
    private final BooleanSupplier endedCleanly;
    private final BooleanSupplier restInHand;
    private Gated channel;

    /**
     * @param restInHand whether everything the application will still send for this request has been read
     *                   already (a write now cannot be followed by a wait on it)
     */
    EndGatedSink(ResponseSink sink, BooleanSupplier endedCleanly, BooleanSupplier restInHand) {
        this.sink = sink;
        this.endedCleanly = endedCleanly;
        this.restInHand = restInHand;
    }

    @Override
    public WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) throws IOException {
        channel = new Gated(sink.begin(status, reason, headers));
        return channel;
    }

    /** Sends what is held back, if the relay stopped without closing (a broken or cut response). */
    void flushHeld() throws IOException {
        if (channel != null) channel.flushHeld();
    }

    @Override
    public WritableByteChannel beginRaw() throws IOException { return sink.beginRaw(); }

    @Override
    public void onClientGone(Runnable action) { sink.onClientGone(action); }

    private final class Gated implements WritableByteChannel {
        private final WritableByteChannel to;
        private ByteBuffer held;

        Gated(WritableByteChannel to) { this.to = to; }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (to instanceof LastWriteChannel && (held == null ? 0 : held.position()) + n <= HOLD_BYTES
                    && restInHand.getAsBoolean()) {
                if (held == null) held = ByteBuffer.allocate(Math.max(n, 512));
                if (held.remaining() < n) held = ByteBuffer.allocate(held.position() + n).put(held.flip());
                held.put(src);
                return n;
            }
            flushHeld();
            return to.write(src);
        }

        void flushHeld() throws IOException {
            ByteBuffer h = held;
            held = null;
            if (h != null) for (h.flip(); h.hasRemaining(); ) to.write(h);
        }

        @Override
        public boolean isOpen() { return to.isOpen(); }

        @Override
        public void close() throws IOException {
            if (!endedCleanly.getAsBoolean()) {
                flushHeld();
            } else if (held != null && to instanceof LastWriteChannel last) {
                ByteBuffer h = held.flip();
                held = null;
                last.writeLast(h);
            } else {
                to.close();
            }
        }
    }
}
