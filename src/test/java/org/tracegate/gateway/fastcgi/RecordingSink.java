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

/**
 * A {@link ResponseSink} (and {@link PushSink}) in memory that can play a client going away; writes take the whole
 * buffer. {@link #holdWrites} plays a slow client for the push path: its writes complete only when released.
 */
final class RecordingSink implements ResponseSink, PushSink {
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
    public void start(int status, String reason, List<ResponseHead.Header> headers) {
        this.status = status;
        this.headers = headers;
    }

    private volatile boolean hold;
    private final java.util.concurrent.LinkedBlockingQueue<Runnable> held = new java.util.concurrent.LinkedBlockingQueue<>();
    final java.util.concurrent.atomic.AtomicInteger pushWrites = new java.util.concurrent.atomic.AtomicInteger();

    /** How long each push write takes, on the writing thread: a client that is slower than the application. */
    volatile long writeNanos;

    @Override
    public void write(ByteBuffer content, boolean last, java.util.function.Consumer<IOException> done) {
        pushWrites.incrementAndGet();
        if (writeNanos > 0) java.util.concurrent.locks.LockSupport.parkNanos(writeNanos);
        byte[] b = new byte[content.remaining()];
        content.get(b);
        synchronized (body) {
            body.writeBytes(b);
        }
        if (b.length > 0) firstWrite.countDown();
        Runnable complete = () -> {
            if (last) ended = true;
            done.accept(null);
        };
        if (hold) held.add(complete);
        else complete.run();
    }

    /** From now on push writes complete only when {@link #releaseOne} says so: a client that does not read. */
    void holdWrites() { hold = true; }

    /** Completes the oldest held write (waiting for one); false if none came within 10 s. */
    boolean releaseOne() throws InterruptedException {
        Runnable r = held.poll(10, TimeUnit.SECONDS);
        if (r == null) return false;
        r.run();
        return true;
    }

    /** Completes every write from now on at once, and those held. */
    void releaseAll() {
        hold = false;
        for (Runnable r; (r = held.poll()) != null; ) r.run();
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
