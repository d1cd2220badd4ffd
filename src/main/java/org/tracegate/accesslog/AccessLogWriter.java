package org.tracegate.accesslog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An access log in one directory. Sealed so the server can hold either format behind one type
 * while the formats stay here.
 */
public abstract sealed class AccessLogWriter implements AutoCloseable permits W3cLogWriter, NcsaLogWriter {
    private final RollingLog log;
    private final WriterSettings settings;

    /** Creates the directory; files appear with the first record. */
    AccessLogWriter(Path dir, WriterSettings settings, LineFormat format, String threadName) throws IOException {
        this.log = new RollingLog(dir, format, settings, threadName);
        this.settings = settings;
    }

    /** A writer of the same format and settings in another directory: another [[site]]'s log. */
    public final AccessLogWriter inDirectory(Path dir) throws IOException {
        return switch (this) {
            case W3cLogWriter w -> new W3cLogWriter(dir, settings);
            case NcsaLogWriter n -> new NcsaLogWriter(dir, settings);
        };
    }

    /** Never blocks: queues the record, or counts it in {@link #dropped()} when the queue is full or closed. */
    public final void log(AccessRecord record) { log.log(record); }

    /** Records not written: queue full, logged after close, or lost to an I/O error (reported to the settings' problems). */
    public final long dropped() { return log.dropped(); }

    /** Waits until everything logged before this call is written and flushed; false on timeout. */
    public final boolean awaitWritten(Duration timeout) { return log.awaitWritten(timeout); }

    /** Writes what is queued, flushes and closes the file. */
    @Override
    public final void close() { log.close(); }
}
