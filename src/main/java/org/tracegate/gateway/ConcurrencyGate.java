package org.tracegate.gateway;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Bounds how many programs run at once, with a bounded wait queue (IIS 503.2 when both are full).
 * Fair, so a waiting request is not overtaken forever.
 */
public final class ConcurrencyGate {
    private final int maxConcurrent;
    private final int queueSize;
    private final Duration queueTimeout;
    private final Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();
    private final LongConsumer admittedAfter;

    public ConcurrencyGate(int maxConcurrent, int queueSize, Duration queueTimeout) {
        this(maxConcurrent, queueSize, queueTimeout, nanos -> {});
    }

    /** @param admittedAfter told how long each admitted request waited for its slot, in nanoseconds (0: at once) */
    public ConcurrencyGate(int maxConcurrent, int queueSize, Duration queueTimeout, LongConsumer admittedAfter) {
        this.admittedAfter = admittedAfter;
        this.maxConcurrent = maxConcurrent;
        this.queueSize = queueSize;
        this.queueTimeout = queueTimeout;
        this.slots = new Semaphore(maxConcurrent, true);
    }

    /** Takes a slot, or returns the failure to answer with. The caller must {@link #release()} a taken slot. */
    public GatewayFailure.Overloaded acquire() throws InterruptedException {
        // tryAcquire(0, …), not tryAcquire(): the untimed form barges past queued requests even on a fair
        // semaphore, so a request arriving at the right moment could overtake one that has waited seconds.
        if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
            admittedAfter.accept(0);
            return null;
        }
        long start = System.nanoTime();
        if (waiting.incrementAndGet() > queueSize) {
            waiting.decrementAndGet();
            return new GatewayFailure.Overloaded(maxConcurrent, Duration.ZERO);
        }
        try {
            if (!slots.tryAcquire(queueTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return new GatewayFailure.Overloaded(maxConcurrent, queueTimeout);
            }
            admittedAfter.accept(System.nanoTime() - start);
            return null;
        } finally {
            waiting.decrementAndGet();
        }
    }

    public void release() { slots.release(); }

    /** Slots taken now. */
    public int busy() { return maxConcurrent - slots.availablePermits(); }

    public int capacity() { return maxConcurrent; }

    /** Requests waiting for a slot now. */
    public int waiting() { return waiting.get(); }

    /** Threads parked in the semaphore's queue (for tests: {@link #waiting()} counts a request a moment earlier). */
    int parked() { return slots.getQueueLength(); }
}
