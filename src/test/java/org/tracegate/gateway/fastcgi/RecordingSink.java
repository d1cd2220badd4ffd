package org.tracegate.gateway.fastcgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseSink;

/** A {@link ResponseSink} in memory that can play a client going away; writes take the whole buffer. */
final class RecordingSink implements ResponseSink {
    volatile int status = -1;
    volatile List<ResponseHead.Header> headers;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    /** The response was ended cleanly (its channel closed). */
    volatile boolean ended;
    private volatile Runnable onGone;
    private final CountDownLatch watched = new CountDownLatch(1);
    private final CountDownLatch firstWrite = new CountDownLatch(1);

    @Override
    public WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) {
        this.status = status;
        this.headers = headers;
        return new WritableByteChannel() {
            private boolean open = true;

            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                byte[] b = new byte[n];
                src.get(b);
                synchronized (body) {
                    body.writeBytes(b);
                }
                firstWrite.countDown();
                return n;
            }

            @Override
            public boolean isOpen() { return open; }

            @Override
            public void close() {
                open = false;
                ended = true;
            }
        };
    }

    @Override
    public WritableByteChannel beginRaw() throws IOException { throw new IOException("no NPH over FastCGI"); }

    @Override
    public void onClientGone(Runnable action) {
        onGone = action;
        watched.countDown();
    }

    /** The client goes away, as the HTTP layer's probe reports it. */
    void clientLeaves() throws InterruptedException {
        if (!watched.await(10, TimeUnit.SECONDS)) throw new AssertionError("nobody watched the client");
        onGone.run();
    }

    boolean awaitFirstWrite() throws InterruptedException { return firstWrite.await(20, TimeUnit.SECONDS); }

    byte[] body() {
        synchronized (body) {
            return body.toByteArray();
        }
    }

    String bodyText() { return new String(body(), StandardCharsets.ISO_8859_1); }

    String header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(ResponseHead.Header::value)
                .findFirst().orElse(null);
    }
}
