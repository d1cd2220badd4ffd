package org.tracegate.gateway.fastcgi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.tracegate.process.Watchdog;

/**
 * The threads that run one application's requests: one lane per instance (a kept connection or a managed process),
 * each taking the next request from one bounded FIFO queue. The HTTP thread only queues the request and goes back
 * to its connections. Before, every request's own thread waited for a connection and was woken when one came free:
 * at c=8 on two connections that hand-off was one more context switch per request, and the connection idled while
 * the woken thread got going; a lane goes straight from one request to the next (bench/README.md, "FastCGI").
 *
 * <p>A request waits at most the pool's {@code queueTimeout} in the queue and the queue holds at most
 * {@code queueLength}: beyond either it is answered {@link FastCgiUnavailable.Busy} (503.2), as before.
 */
public final class RequestLanes implements AutoCloseable {

    /** One queued request: run on a lane, or told it is not going to be. */
    public interface Job {
        /**
         * Runs the request on a lane; {@code waited} is how long it was queued. Call {@code instanceFree} as soon as
         * the request's connection or process is given back, before the response is delivered: a client that
         * sends its next request on seeing the response must find the instance counted free.
         */
        void run(Duration waited, Runnable instanceFree);

        /** The request will not run: the queue was full, the wait too long, or the server is stopping. */
        void refused(FastCgiUnavailable.Reason why);
    }

    private final int lanes;
    private final int queueLength;
    private final Duration queueTimeout;
    private final Watchdog watchdog;
    private final Consumer<String> problems;
    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean closed;

    /** @param problems where a fault that escaped a request is reported (the server's error log) */
    public RequestLanes(String name, int lanes, int queueLength, Duration queueTimeout, Watchdog watchdog,
                        Consumer<String> problems) {
        this.problems = problems;
        this.lanes = lanes;
        this.queueLength = queueLength;
        this.queueTimeout = queueTimeout;
        this.watchdog = watchdog;
        for (int i = 0; i < lanes; i++) {
            threads.add(Thread.ofPlatform().daemon().name("tracegate-fastcgi-" + name + "-" + i).start(this::lane));
        }
    }

    /** Queues {@code job}; when the queue is full it is refused at once, on this thread. */
    public void submit(Job job) {
        // As many run as there are lanes and queueLength more wait: the same bound as instances + queue before.
        if (closed) {
            job.refused(new FastCgiUnavailable.Closed());
            return;
        }
        if (outstanding.incrementAndGet() > lanes + queueLength) {
            outstanding.decrementAndGet();
            job.refused(new FastCgiUnavailable.Busy(lanes, Duration.ZERO));
            return;
        }
        Queued q = new Queued(job, System.nanoTime());
        q.deadline = watchdog.arm(queueTimeout, () -> expire(q));
        queue.add(q);
        if (closed && q.claimed.compareAndSet(false, true)) {  // close() drained the queue before this add
            queue.remove(q);
            outstanding.decrementAndGet();
            q.deadline.cancel();
            job.refused(new FastCgiUnavailable.Closed());
        }
    }

    /** Requests waiting for a lane now. */
    public int queued() { return queue.size(); }

    /** Requests queued or running now. */
    public int outstanding() { return outstanding.get(); }

    private static final ThreadLocal<Boolean> ON_LANE = ThreadLocal.withInitial(() -> false);

    /** Whether the calling thread is a lane (of any application). */
    public static boolean onLane() { return ON_LANE.get(); }

    private void lane() {
        ON_LANE.set(true);
        while (true) {
            Queued q;
            try {
                q = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (q == STOP) return;
            if (!q.claimed.compareAndSet(false, true)) continue;   // its wait ran out meanwhile
            q.deadline.cancel();
            AtomicBoolean freed = new AtomicBoolean();
            Runnable free = () -> {
                if (freed.compareAndSet(false, true)) outstanding.decrementAndGet();
            };
            try {
                q.job.run(Duration.ofNanos(System.nanoTime() - q.since), free);
            } catch (RuntimeException | Error e) {
                // A job answers its own faults; one that escapes is reported and must not end the lane: a lane that
                // ended would leave its instance unused for good, every later request waiting out queueTimeout.
                problems.accept("fastcgi: a request failed outside its own handling: " + e);
            } finally {
                free.run();
            }
        }
    }

    /** The watchdog's expiry: refused on a thread of its own, so a slow client cannot stall the watchdog. */
    private void expire(Queued q) {
        if (!q.claimed.compareAndSet(false, true)) return;
        queue.remove(q);
        outstanding.decrementAndGet();
        Thread.ofVirtual().name("tracegate-fastcgi-busy").start(() -> q.job.refused(new FastCgiUnavailable.Busy(lanes,
                queueTimeout)));
    }

    /**
     * Stops taking requests without waiting: those still queued are refused, and each lane ends after the request it
     * runs (which closing the backend next ends, if it must). Idempotent.
     */
    public void stop() {
        if (closed) return;
        closed = true;
        List<Queued> left = new ArrayList<>();
        queue.drainTo(left);
        for (int i = 0; i < threads.size(); i++) queue.add(STOP);  // not an interrupt: that would close a running
                                                                   // request's channels (ClosedByInterruptException)
        for (Queued q : left) {
            if (q != STOP && q.claimed.compareAndSet(false, true)) {
                q.deadline.cancel();
                outstanding.decrementAndGet();
                q.job.refused(new FastCgiUnavailable.Closed());
            }
        }
    }

    /** {@link #stop()}, then waits (up to 5 s a lane) for the lanes to end. */
    @Override
    public void close() {
        stop();
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final Queued STOP = new Queued(null, 0);

    private static final class Queued {
        final Job job;
        final long since;
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile Watchdog.Deadline deadline;

        Queued(Job job, long since) {
            this.job = job;
            this.since = since;
        }
    }
}
