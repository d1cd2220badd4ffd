package org.tracegate.process;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Deadlines checked by one thread on the monotonic clock (lighttpd's once-a-tick trigger, finer).
 * Pushing a deadline back is a volatile write, so the body relay can mark progress on every read
 * without touching a timer queue.
 */
public final class Watchdog implements AutoCloseable {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private final Consumer<String> problems;
    private final Thread thread;

    /** Reports failing expiry actions on standard error; for code that has no error log. */
    public Watchdog() {
        this(message -> System.err.println("tracegate: " + message));
    }

    /** @param problems where a failing expiry action is reported (the server's error log) */
    public Watchdog(Consumer<String> problems) {
        this.problems = problems;
        thread = Thread.ofPlatform().daemon().name("tracegate-watchdog").start(this::run);
    }

    /** Stops the watchdog thread; armed deadlines never fire. */
    @Override
    public void close() {
        thread.interrupt();
        armed.clear();
    }

    /** Arms a deadline {@code after} from now; {@code onExpiry} runs once on the watchdog thread. */
    public Deadline arm(Duration after, Runnable onExpiry) {
        Deadline d = new Deadline(after.toNanos(), onExpiry);
        armed.add(d);
        return d;
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(TICK_NANOS);
            long now = System.nanoTime();
            for (Deadline d : armed) {
                if (now - d.deadline >= 0 && armed.remove(d)) {
                    try {
                        d.onExpiry.run();
                    } catch (RuntimeException e) {
                        problems.accept("watchdog action failed: " + e);
                    }
                }
            }
        }
    }

    /** A deadline that can be pushed back or cancelled. */
    public final class Deadline {
        private final long span;
        private final Runnable onExpiry;
        private volatile long deadline;
        /** Identity equality with a hash of its own: the JVM's identity hash is a runtime call on first use. */
        private final int hash = ThreadLocalRandom.current().nextInt();

        private Deadline(long span, Runnable onExpiry) {
            this.span = span;
            this.onExpiry = onExpiry;
            this.deadline = System.nanoTime() + span;
        }

        /** Progress was made: the deadline is again a full span from now. */
        public void touch() { deadline = System.nanoTime() + span; }

        /** Stops the clock until the next {@link #touch()} (e.g. while we, not the program, are the slow side). */
        public void pause() { deadline = System.nanoTime() + TimeUnit.DAYS.toNanos(365); }

        @Override
        public int hashCode() { return hash; }

        @Override
        public boolean equals(Object o) { return this == o; }

        /** Returns true when this call disarmed it before it fired. */
        public boolean cancel() { return armed.remove(this); }
    }
}
