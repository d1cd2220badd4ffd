package org.tracegate.accesslog;

import java.time.Clock;
import java.util.Objects;

/**
 * How an access log writer rolls and queues.
 *
 * @param maxFileBytes a file that would grow past this starts {@code _1}, {@code _2}, … (a file always
 *     takes at least one line, so a single huge line cannot loop)
 * @param queueCapacity records waiting for the writer thread; beyond it they are counted as dropped
 * @param clock decides the file's day and the {@code #Date} header; tests move it past midnight
 */
public record WriterSettings(long maxFileBytes, int queueCapacity, Clock clock) {
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
    public static final int DEFAULT_QUEUE_CAPACITY = 16_384;

    public WriterSettings {
        if (maxFileBytes <= 0) throw new IllegalArgumentException("maxFileBytes must be > 0: " + maxFileBytes);
        if (queueCapacity <= 0) throw new IllegalArgumentException("queueCapacity must be > 0: " + queueCapacity);
        Objects.requireNonNull(clock, "clock");
    }

    public static WriterSettings defaults() {
        return new WriterSettings(DEFAULT_MAX_FILE_BYTES, DEFAULT_QUEUE_CAPACITY, Clock.systemUTC());
    }

    public WriterSettings withMaxFileBytes(long bytes) { return new WriterSettings(bytes, queueCapacity, clock); }

    public WriterSettings withQueueCapacity(int records) { return new WriterSettings(maxFileBytes, records, clock); }

    public WriterSettings withClock(Clock c) { return new WriterSettings(maxFileBytes, queueCapacity, c); }
}
