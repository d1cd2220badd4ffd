package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A minimal event loop (one selector thread) that plays the HTTP server's part for {@link PushExchange}: the
 * gateway is tested without Jetty. Writes are done at once by the writing thread (the test servers read promptly).
 */
final class EventLoop implements PushBinder, AutoCloseable {
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean open = true;

    EventLoop() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = Thread.ofPlatform().daemon().name("test-event-loop").start(this::loop);
    }

    /** Binds {@code c} and waits until it is bound. */
    void bindNow(FastCgiConnection c) throws IOException {
        AtomicReference<Object> got = new AtomicReference<>();
        bind(c.nonBlockingChannel(), got::set, got::set);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (got.get() == null && System.nanoTime() < deadline) LockSupport.parkNanos(100_000);
        if (!(got.get() instanceof PushTransport t)) throw new IOException("not bound: " + got.get());
        c.bind(t);
    }

    @Override
    public void bind(SocketChannel channel, Consumer<PushTransport> bound, Consumer<Throwable> failed) {
        submit(() -> {
            try {
                Transport t = new Transport(channel);
                t.key = channel.register(selector, 0, t);
                bound.accept(t);
            } catch (IOException e) {
                failed.accept(e);
            }
        });
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void loop() {
        while (open) {
            try {
                selector.select(100);
            } catch (IOException e) {
                return;
            }
            for (Runnable r; (r = tasks.poll()) != null; ) r.run();
            for (SelectionKey k : selector.selectedKeys()) {
                Transport t = (Transport) k.attachment();
                if (k.isValid()) k.interestOps(0);
                t.fire();
            }
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(5000);
            selector.close();
        } catch (InterruptedException | IOException e) {
            throw new AssertionError(e);
        }
    }

    private final class Transport implements PushTransport {
        private final SocketChannel channel;
        private final AtomicReference<Runnable> readable = new AtomicReference<>();
        volatile SelectionKey key;

        Transport(SocketChannel channel) { this.channel = channel; }

        @Override
        public int read(ByteBuffer into) throws IOException { return channel.read(into); }

        @Override
        public void demand(Runnable then) {
            readable.set(then);
            submit(() -> {
                if (key.isValid()) key.interestOps(SelectionKey.OP_READ);
                else fire();
            });
        }

        void fire() {
            Runnable r = readable.getAndSet(null);
            if (r != null) r.run();
        }

        @Override
        public synchronized void write(ByteBuffer[] parts, Consumer<IOException> done) {
            try {
                long left = 0;
                for (ByteBuffer p : parts) left += p.remaining();
                while (left > 0) {
                    long n = channel.write(parts);
                    if (n == 0) LockSupport.parkNanos(200_000);
                    left -= n;
                }
            } catch (IOException e) {
                done.accept(e);
                return;
            }
            done.accept(null);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
            submit(this::fire);                    // as the server's selector: a pending demand learns of the close
        }
    }
}
