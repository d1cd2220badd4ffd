package org.tracegate.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.tracegate.gateway.fastcgi.PushTransport;

/**
 * A connection to a FastCGI server on Jetty's selector, the same one that serves the HTTP clients: the selector
 * says when php-fpm has answered and runs the exchange in place (a non-blocking connection), so a request goes from
 * the client's bytes to php-fpm and back without a thread waking another (bench/README.md, "FastCGI").
 *
 * <p>Reads go to the socket directly (non-blocking, NIO's conventions); writes go through the endpoint, which waits
 * for the socket to take them, one at a time in order. No idle timeout: the gateway's deadlines time a request, and
 * an idle kept connection stays until php-fpm or we close it, or the server stops.
 */
final class FastCgiChannel extends AbstractConnection.NonBlocking implements PushTransport {
    private final SocketChannel channel;
    private final AtomicReference<Runnable> readable = new AtomicReference<>();
    private final ArrayDeque<Write> queued = new ArrayDeque<>(); // guarded by this
    private boolean writing;                                     // guarded by this

    private record Write(ByteBuffer[] parts, Consumer<IOException> done) {}

    FastCgiChannel(EndPoint endPoint, Executor executor, SocketChannel channel) {
        super(endPoint, executor);
        this.channel = channel;
        endPoint.setIdleTimeout(0);
    }

    @Override
    public int read(ByteBuffer into) throws IOException { return channel.read(into); }

    @Override
    public void demand(Runnable then) {
        readable.set(then);
        // Jetty never answers an interest in a closed endpoint, and onClose ran already: the read says what happened.
        if (!getEndPoint().isOpen()) {
            runReadable();
            return;
        }
        fillInterested();
    }

    @Override
    public void onFillable() { runReadable(); }

    /** A failed interest (the endpoint closed) is reported as readable: the read then says what happened. */
    @Override
    public void onFillInterestedFailed(Throwable cause) { runReadable(); }

    /** Between requests: only then may the endpoint's idle timeout close it (it has one only while the server stops). */
    private volatile boolean idle;

    @Override
    public void idle(boolean idle) { this.idle = idle; }

    /** Only while the server stops (it sets a short idle timeout on every endpoint): a kept, unused connection closes. */
    @Override
    public boolean onIdleExpired(TimeoutException timeout) { return idle; }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        runReadable();
    }

    private void runReadable() {
        Runnable r = readable.getAndSet(null);
        if (r == null) return;
        boolean outer = !RUNNING.get();
        if (outer) RUNNING.set(true);
        try {
            r.run();
        } finally {
            if (outer) RUNNING.set(false);
        }
    }

    private static final ThreadLocal<Boolean> RUNNING = ThreadLocal.withInitial(() -> false);

    /**
     * Whether this thread is running an exchange's reaction to php-fpm's bytes: a response completed here may resume
     * its HTTP connection in place ({@link SiteThreads}), as on a lane.
     */
    static boolean running() { return RUNNING.get(); }

    @Override
    public void write(ByteBuffer[] parts, Consumer<IOException> done) {
        synchronized (this) {
            if (writing) {
                queued.add(new Write(parts, done));
                return;
            }
            writing = true;
        }
        start(new Write(parts, done));
    }

    private void start(Write w) {
        getEndPoint().write(Callback.from(Invocable.InvocationType.NON_BLOCKING, () -> written(w, null),
                x -> written(w, x instanceof IOException io ? io : new IOException(x))), w.parts());
    }

    private void written(Write w, IOException failure) {
        Write next;
        synchronized (this) {
            next = queued.poll();
            if (next == null) writing = false;
        }
        w.done().accept(failure);
        if (next != null) start(next);
    }

    @Override
    public void close() { getEndPoint().close(); }
}
