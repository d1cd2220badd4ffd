package org.tracegate.session;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestTrace;
import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.SessionFilter;
import org.tracegate.traceformats.SessionFormat;
import org.tracegate.trace.TraceRecord;
import org.tracegate.trace.TraceSink;
import org.tracegate.files.ServerFiles;

/**
 * Records trace events to a session file ({@link SessionFormat}) without ever blocking the caller.
 *
 * <p>Callers hand over a finished request ({@link #writeRequest}, or {@link #requestEnded} as a
 * {@link TraceSink}): the URL glob needs the request's GENERAL_REQUEST_START, and a request is queued
 * whole or dropped whole, so a file never holds half a request because the queue was full. {@link
 * #write} takes a single record and applies only the area filter (it cannot know the URL).
 *
 * <p>One daemon thread drains a bounded queue, encodes, writes, and flushes to the OS whenever the
 * queue is empty, so a crash of the server loses at most what was still queued. Once the next line
 * would take the file past {@code maxBytes}, nothing more is written; the rest is counted as dropped
 * and the end line says {@code "truncated":true}. The end line itself may pass {@code maxBytes}.
 */
public final class SessionWriter implements TraceSink {
    private static final int QUEUE_BATCHES = 8_192;
    private static final List<TraceRecord> STOP = new ArrayList<>(0);

    private final Path file;
    private final SessionFilter filter;
    private final long maxBytes;
    private final OutputStream out;
    private final ErrorLog errors;
    private final BlockingQueue<List<TraceRecord>> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    private final LongAdder droppedByCallers = new LongAdder();
    private final Thread thread;
    private volatile boolean closed;
    private SessionSummary summary;

    // Owned by the writer thread until it ends (join gives close() a happens-before).
    private long bytes;
    private long events;
    private volatile long droppedByWriter; // volatile: dropped() reads it from other threads
    private boolean truncated;
    private IOException failure;

    private SessionWriter(Path file, SessionFilter filter, long maxBytes, OutputStream out, long headerBytes,
                          ErrorLog errors) {
        this.file = file;
        this.filter = filter;
        this.maxBytes = maxBytes;
        this.out = out;
        this.errors = errors;
        this.bytes = headerBytes;
        this.thread = Thread.ofPlatform().daemon().name("tracegate-session").start(this::drain);
    }

    /** As {@link #open(Path, SessionFilter, long, ErrorLog)}, reporting write failures on standard error. */
    public static SessionWriter open(Path file, SessionFilter filter, long maxBytes) throws IOException {
        return open(file, filter, maxBytes, ErrorLog.standardError());
    }

    /**
     * Creates {@code file} (it must not exist: a session never overwrites another) and writes the
     * header line; a later write failure is reported to {@code errors} at once (and by {@link #close}).
     */
    public static SessionWriter open(Path file, SessionFilter filter, long maxBytes, ErrorLog errors) throws IOException {
        if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) ServerFiles.directory(parent);
        OutputStream out = new BufferedOutputStream(ServerFiles.createNew(file, ServerFiles.FILE), 64 * 1024);
        byte[] header = (SessionFormat.headerLine(Instant.now(), filter, maxBytes) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            out.write(header);
            out.flush();
        } catch (IOException e) {
            out.close();
            throw e;
        }
        return new SessionWriter(file, filter, maxBytes, out, header.length, errors);
    }

    public Path file() { return file; }

    /** Queues one finished request's records; drops them all (counted) if the queue is full. */
    public void writeRequest(List<TraceRecord> records) {
        if (!filter.keepsRequest(records)) return;
        List<TraceRecord> kept = new ArrayList<>(records.size());
        for (TraceRecord r : records) if (filter.keeps(r.event().area())) kept.add(r);
        offer(kept);
    }

    /** Queues a single record, filtered by area only. */
    public void write(TraceRecord record) {
        if (filter.keeps(record.event().area())) offer(List.of(record));
    }

    @Override
    public void requestEnded(RequestTrace trace) {
        var evidence = trace.evidence();
        if (!evidence.isDone()) { // a crash's backtrace is coming: the request is written whole, with it
            evidence.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).whenComplete((v, e) -> writeRequest(trace.records()));
            return;
        }
        writeRequest(trace.records());
    }

    private void offer(List<TraceRecord> batch) {
        if (batch.isEmpty()) return;
        if (closed || !queue.offer(batch)) droppedByCallers.add(batch.size());
    }

    private void drain() {
        try {
            while (true) {
                List<TraceRecord> batch = queue.take();
                if (batch == STOP) break;
                append(batch);
                if (queue.isEmpty() && failure == null) out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            failure = e;
        }
    }

    private void append(List<TraceRecord> batch) throws IOException {
        for (TraceRecord r : batch) {
            if (truncated || failure != null) {
                droppedByWriter++;
                continue;
            }
            byte[] line = (SessionFormat.eventLine(RecordedEvent.of(events + 1, r)) + "\n").getBytes(StandardCharsets.UTF_8);
            if (bytes + line.length > maxBytes) {
                truncated = true;
                droppedByWriter++;
                continue;
            }
            try {
                out.write(line);
            } catch (IOException e) {
                failure = e;
                droppedByWriter++;
                errors.log(null, "session " + file + ": cannot write: " + e.getMessage());
                continue;
            }
            bytes += line.length;
            events++;
        }
    }

    /** Events dropped so far (queue full, past maxBytes, after close). */
    public long dropped() {
        return droppedByCallers.sum() + droppedByWriter;
    }

    /**
     * Writes what is queued, then the end line, and closes the file. Idempotent. Throws if the file
     * could not be written (the summary would lie otherwise).
     */
    public synchronized SessionSummary close() throws IOException {
        if (summary != null) return summary;
        closed = true;
        try {
            queue.put(STOP);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing session " + file, e);
        }
        // A caller that saw closed == false may have queued behind STOP: count it, it will not be written.
        for (List<TraceRecord> late : queue) droppedByCallers.add(late.size());
        long dropped = droppedByCallers.sum() + droppedByWriter;
        try (out) {
            if (failure != null) throw failure;
            byte[] end = (SessionFormat.endLine(Instant.now(), events, dropped, truncated) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            out.write(end);
            bytes += end.length;
        }
        summary = new SessionSummary(file, events, dropped, bytes, truncated);
        return summary;
    }
}
