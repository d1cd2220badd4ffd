package org.tracegate.accesslog;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tracegate.files.ServerFiles;

/**
 * The shared machinery: a bounded queue drained by one daemon thread that owns the file, rolls it at
 * UTC midnight (by the clock, so files never go back in time) and by size, and flushes whenever the
 * queue runs empty. Request threads only ever {@code offer}.
 */
final class RollingLog implements AutoCloseable {
    private static final AccessRecord STOP = new AccessRecord(Instant.EPOCH, null, 0, null, null, null, null,
            null, 0, null, null, null, 0, 0, 0, 0, 0, 0, null, null, null);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Path dir;
    private final LineFormat format;
    private final WriterSettings settings;
    private final BlockingQueue<AccessRecord> queue;
    private final Thread writer;
    private final AtomicLong accepted = new AtomicLong();
    private final LongAdder dropped = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object progress = new Object();
    private long done; // guarded by progress: records handled (written or dropped) and flushed

    // Owned by the writer thread.
    private OutputStream out;
    private LocalDate day;
    private int index;
    private long size;
    private boolean headerDue;
    private boolean failing;

    RollingLog(Path dir, LineFormat format, WriterSettings settings, String threadName) throws IOException {
        this.dir = ServerFiles.directory(dir);
        this.format = format;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.writer = Thread.ofPlatform().daemon().name(threadName).start(this::drain);
    }

    void log(AccessRecord r) {
        if (r == null) throw new NullPointerException("record");
        if (closed.get() || !queue.offer(r)) dropped.increment();
        else accepted.incrementAndGet();
    }

    long dropped() { return dropped.sum(); }

    boolean awaitWritten(Duration timeout) {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (done < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            queue.put(STOP);
            writer.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A log() racing with close may have slipped in behind STOP; it was not written.
        if (!writer.isAlive()) {
            dropped.add(queue.size());
            queue.clear();
        }
    }

    private void drain() {
        long handled = 0;
        try {
            for (AccessRecord r = queue.take(); r != STOP; r = queue.take()) {
                write(r);
                handled++;
                if (queue.isEmpty()) {
                    flush();
                    publish(handled);
                }
            }
        } catch (InterruptedException e) {
            // Nobody interrupts this thread; if someone does, stop as close() would.
        }
        flush();
        closeFile();
        publish(handled);
    }

    private void write(AccessRecord r) {
        try {
            Instant now = settings.clock().instant();
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            if (!today.equals(day)) open(today, latestIndex(today));
            byte[] line = (format.line().apply(r) + "\n").getBytes(UTF_8);
            byte[] header = headerDue ? format.header().apply(now).getBytes(UTF_8) : new byte[0];
            // A file that already holds something never grows past the limit; an empty one takes
            // at least one line, so an oversized line cannot roll forever.
            if (size > 0 && size + header.length + line.length > settings.maxFileBytes()) {
                open(day, index + 1);
                header = format.header().apply(now).getBytes(UTF_8);
            }
            out.write(header);
            out.write(line);
            size += header.length + line.length;
            headerDue = false;
            failing = false;
        } catch (IOException | RuntimeException e) {
            // Keep the thread alive: count the record, reopen on the next one, report once per outage.
            dropped.increment();
            closeFile();
            day = null;
            if (!failing) report(e);
            failing = true;
        }
    }

    /** The highest {@code _N} already on disk for the day, so a restart appends where it left off. */
    private int latestIndex(LocalDate d) throws IOException {
        Pattern name = Pattern.compile(Pattern.quote(format.baseName().apply(d)) + "(?:_(\\d{1,9}))?\\.log");
        int latest = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = name.matcher(f.getFileName().toString());
                if (m.matches() && m.group(1) != null) latest = Math.max(latest, Integer.parseInt(m.group(1)));
            }
        }
        return latest;
    }

    private void open(LocalDate d, int i) throws IOException {
        closeFile();
        String base = format.baseName().apply(d);
        Path file = dir.resolve(i == 0 ? base + ".log" : base + "_" + i + ".log");
        out = new BufferedOutputStream(ServerFiles.append(file, ServerFiles.FILE), 64 * 1024);
        size = Files.size(file);
        day = d;
        index = i;
        headerDue = true; // IIS repeats the header block whenever it (re)opens a file, restarts included
    }

    private void flush() {
        if (out == null) return;
        try {
            out.flush();
        } catch (IOException e) {
            closeFile();
            day = null;
            report(e);
        }
    }

    private void closeFile() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            report(e);
        }
        out = null;
    }

    private void report(Exception e) {
        settings.problems().accept("access log in " + dir + ": " + e);
    }

    private void publish(long handled) {
        synchronized (progress) {
            done = handled;
            progress.notifyAll();
        }
    }
}
