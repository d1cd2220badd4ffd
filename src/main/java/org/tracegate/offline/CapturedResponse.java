package org.tracegate.offline;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseSink;

/**
 * Where an offline run's response goes instead of a client: the status and headers the relay committed, the body's
 * length and its first {@link #KEPT} bytes. Never "goes away", so only the program's own behaviour ends a run.
 */
final class CapturedResponse implements ResponseSink {
    static final int KEPT = 4096;

    volatile int status = -1;
    volatile String reason;
    volatile List<ResponseHead.Header> headers = List.of();
    volatile boolean raw;
    private final ByteArrayOutputStream first = new ByteArrayOutputStream();
    private long bodyBytes;

    @Override
    public WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) {
        this.status = status;
        this.reason = reason;
        this.headers = List.copyOf(headers);
        return channel();
    }

    @Override
    public WritableByteChannel beginRaw() {
        raw = true;
        return channel();
    }

    @Override
    public void onClientGone(Runnable action) {}

    synchronized long bodyBytes() { return bodyBytes; }

    synchronized byte[] firstBytes() { return first.toByteArray(); }

    private WritableByteChannel channel() {
        return new WritableByteChannel() {
            private boolean open = true;

            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                synchronized (CapturedResponse.this) {
                    int keep = (int) Math.min(n, Math.max(0, KEPT - first.size()));
                    for (int i = 0; i < keep; i++) first.write(src.get(src.position() + i));
                    bodyBytes += n;
                }
                src.position(src.limit());
                return n;
            }

            @Override
            public boolean isOpen() { return open; }

            @Override
            public void close() { open = false; }
        };
    }
}
