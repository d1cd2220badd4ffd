package org.tracegate.accesslog;

import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How an access log writer rolls and queues.
 *
 * @param maxFileBytes a file that would grow past this starts {@code _1}, {@code _2}, … (a file always
 *     takes at least one line, so a single huge line cannot loop)
 * @param queueCapacity records waiting for the writer thread; beyond it they are counted as dropped
 * @param clock decides the file's day and the {@code #Date} header; tests move it past midnight
 * @param problems where I/O problems are reported (the server's error log); standard error by default
 */
public record WriterSettings(long maxFileBytes, int queueCapacity, Clock clock, Consumer<String> problems) {
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
    public static final int DEFAULT_QUEUE_CAPACITY = 16_384;

    public WriterSettings {
        if (maxFileBytes <= 0) throw new IllegalArgumentException("maxFileBytes must be > 0: " + maxFileBytes);
        if (queueCapacity <= 0) throw new IllegalArgumentException("queueCapacity must be > 0: " + queueCapacity);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(problems, "problems");
    }

    public static WriterSettings defaults() {
        return new WriterSettings(DEFAULT_MAX_FILE_BYTES, DEFAULT_QUEUE_CAPACITY, Clock.systemUTC(),
                message -> System.err.println("tracegate: " + message));
    }

    public WriterSettings withMaxFileBytes(long bytes) { return new WriterSettings(bytes, queueCapacity, clock, problems); }

    public WriterSettings withQueueCapacity(int records) { return new WriterSettings(maxFileBytes, records, clock, problems); }

    public WriterSettings withClock(Clock c) { return new WriterSettings(maxFileBytes, queueCapacity, c, problems); }

    public WriterSettings withProblems(Consumer<String> p) { return new WriterSettings(maxFileBytes, queueCapacity, clock, p); }
}
