package org.tracegate.gateway.fastcgi;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections to an external FastCGI server (php-fpm, say), kept and reused (KEEP_CONN) in a bounded pool:
 * at most {@code maxConnections} at once, since each one occupies one of the server's workers, and a fair
 * queue of at most {@code queueLength} requests waiting for one. A connect failure is an
 * {@link FastCgiUnavailable.Unreachable} with the errno, at once, never a hang.
 */
public final class ExternalPool implements FastCgiBackend {
    private final FastCgiAddress address;
    /** The address as the evidence names it; a record's toString would build it again for every request. */
    private final String addressText;
    private final int maxConnections;
    private final int queueLength;
    private final Duration connectTimeout;
    private final Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Deque<FastCgiConnection> idle = new ArrayDeque<>(); // guarded by itself
    private volatile boolean closed;

    public ExternalPool(FastCgiAddress address, int maxConnections, int queueLength, Duration connectTimeout) {
        this.address = address;
        this.addressText = address.toString();
        this.maxConnections = maxConnections;
        this.queueLength = queueLength;
        this.connectTimeout = connectTimeout;
        this.slots = new Semaphore(maxConnections, true);
    }

    @Override
    public Lease lease(Duration wait) throws FastCgiUnavailable {
        if (!slots.tryAcquire()) {
            if (waiting.incrementAndGet() > queueLength) {
                waiting.decrementAndGet();
                throw new FastCgiUnavailable(new FastCgiUnavailable.Busy(maxConnections, Duration.ZERO));
            }
            try {
                if (!slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new FastCgiUnavailable(new FastCgiUnavailable.Busy(maxConnections, wait));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FastCgiUnavailable(new FastCgiUnavailable.Busy(maxConnections, Duration.ZERO));
            } finally {
                waiting.decrementAndGet();
            }
        }
        FastCgiConnection kept = takeIdle();
        if (kept != null) return new Lease(kept, -1, kept.requestsStarted() + 1, false, addressText, null);
        try {
            FastCgiConnection c = FastCgiConnection.open(address, connectTimeout);
            return new Lease(c, -1, 1, true, addressText, null);
        } catch (FastCgiConnectException e) {
            slots.release();
            throw new FastCgiUnavailable(new FastCgiUnavailable.Unreachable(addressText, e.errnoName(), e.getMessage()));
        }
    }

    /** A fresh connection in place of a kept one that the server had closed meanwhile. */
    public Lease renew(Lease stale) throws FastCgiUnavailable {
        stale.connection().close();
        try {
            return new Lease(FastCgiConnection.open(address, connectTimeout), -1, 1, true, addressText, null);
        } catch (FastCgiConnectException e) {
            slots.release();
            throw new FastCgiUnavailable(new FastCgiUnavailable.Unreachable(addressText, e.errnoName(), e.getMessage()));
        }
    }

    @Override
    public void release(Lease lease, ExchangeReport report) {
        FastCgiConnection c = lease.connection();
        if (report != null && report.connectionKept() && c.reusable() && !closed) {
            synchronized (idle) {
                idle.push(c);
            }
        } else {
            c.close();
        }
        slots.release();
    }

    private FastCgiConnection takeIdle() {
        synchronized (idle) {
            while (!idle.isEmpty()) {
                FastCgiConnection c = idle.pop();
                if (c.reusable()) return c;
                c.close();
            }
            return null;
        }
    }

    /** Connections open now, idle ones included. */
    public int open() { return maxConnections - slots.availablePermits() + idleCount(); }

    public int idleCount() {
        synchronized (idle) {
            return idle.size();
        }
    }

    @Override
    public String describe() { return addressText; }

    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            for (FastCgiConnection c : idle) c.close();
            idle.clear();
        }
    }
}
