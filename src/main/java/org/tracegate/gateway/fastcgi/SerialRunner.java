package org.tracegate.gateway.fastcgi;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time in the order given, on whichever thread gives one while none runs: the event loop,
 * the watchdog and a client write's completion may all touch one exchange, and this keeps its state to one
 * thread at a time without a lock held across callbacks. A task given while one runs is run right after it by
 * the same thread, never nested.
 */
final class SerialRunner {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Consumer<Throwable> fault;

    /** @param fault told of a task that threw (a bug); the next task still runs */
    SerialRunner(Consumer<Throwable> fault) { this.fault = fault; }

    void run(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() != 0) return;
        do {
            try {
                tasks.poll().run();
            } catch (RuntimeException | Error e) {
                fault.accept(e);
            }
        } while (pending.decrementAndGet() != 0);
    }
}
