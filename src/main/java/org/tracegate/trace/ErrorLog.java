package org.tracegate.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.tracegate.files.ServerFiles;

/**
 * The operator's error log: one line per program stderr line or gateway problem, tagged with the request id.
 * Writing happens on its own thread so a slow disk never stalls a request; when the queue is full, lines are
 * counted as dropped (and the count logged once there is room) rather than blocking.
 *
 * <p>In a directory it is {@code error.log} (0640: programs must not read it), rolled like the access log:
 * at midnight UTC, or when it would grow past {@link #DEFAULT_MAX_FILE_BYTES}, the current file becomes
 * {@code error-YYYYMMDD.log} ({@code _1}, {@code _2} … for further rolls of that day) and a new
 * {@code error.log} starts, so {@code tail -F error.log} keeps following it.
 */
public final class ErrorLog implements AutoCloseable {
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
    private static final String STOP = new String("stop");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuuMMdd");

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final Output out;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private long droppedReported;

    private ErrorLog(Output out) {
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name("tracegate-errorlog").start(this::drain);
    }

    /** Appends to {@code dir/error.log}, creating the directory; rolls daily (UTC) and at 64 MiB. */
    public static ErrorLog toDirectory(Path dir) throws IOException {
        return toDirectory(dir, DEFAULT_MAX_FILE_BYTES, Clock.systemUTC());
    }

    /** As {@link #toDirectory(Path)}, with the roll size and the clock (tests move it past midnight). */
    public static ErrorLog toDirectory(Path dir, long maxFileBytes, Clock clock) throws IOException {
        ServerFiles.directory(dir);
        return new ErrorLog(new RollingFile(dir, maxFileBytes, clock));
    }

    public static ErrorLog to(PrintStream stream) {
        Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
        return new ErrorLog(new Output() {
            public void write(String line) throws IOException { w.write(line); w.write('\n'); }
            public void flush() throws IOException { w.flush(); }
            public void close() throws IOException { w.flush(); }
        });
    }

    /** Standard error, for code given no error log (tests, tools): one shared log, never to be closed. */
    public static ErrorLog standardError() { return StandardError.LOG; }

    private static final class StandardError {
        static final ErrorLog LOG = to(System.err); // created on first use only
    }

    /** {@code 2026-11-23T21:00:00.123456Z [request-id] message}. */
    public void log(String requestId, String message) {
        String line = Instant.now() + " [" + (requestId == null ? "-" : requestId) + "] " + message;
        if (!queue.offer(line)) dropped.incrementAndGet();
    }

    private void drain() {
        boolean failing = false;
        while (true) {
            String line;
            try {
                line = queue.take();
            } catch (InterruptedException e) {
                break; // nobody interrupts this thread; if someone does, stop as close() would
            }
            if (line == STOP) break;
            try {
                long lost = dropped.get();
                if (lost > droppedReported) {
                    out.write(Instant.now() + " [-] error log: " + (lost - droppedReported)
                            + " lines dropped (the writer fell behind)");
                    droppedReported = lost;
                }
                out.write(line);
                if (queue.isEmpty()) out.flush();
                failing = false;
            } catch (IOException | RuntimeException e) {
                // Keep the thread alive: the next line tries again; say so once per outage.
                if (!failing) System.err.println("tracegate: error log: " + e);
                failing = true;
            }
        }
        try {
            out.close();
        } catch (IOException e) {
            System.err.println("tracegate: error log: " + e);
        }
    }

    public long dropped() { return dropped.get(); }

    /** Flushes what is queued and stops the writer. */
    @Override
    public void close() {
        try {
            queue.put(STOP);
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Output {
        void write(String line) throws IOException;

        void flush() throws IOException;

        void close() throws IOException;
    }

    /** {@code error.log}, rolled aside by day and size; owned by the writer thread. */
    private static final class RollingFile implements Output {
        private final Path dir;
        private final Path current;
        private final long maxBytes;
        private final Clock clock;
        private Writer w;
        private LocalDate day;
        private long size;

        RollingFile(Path dir, long maxBytes, Clock clock) throws IOException {
            this.dir = dir;
            this.current = dir.resolve("error.log");
            this.maxBytes = maxBytes;
            this.clock = clock;
            open();
            // A file left from an earlier day is rolled on the first line, not appended to.
            day = Files.size(current) == 0 ? today()
                    : LocalDate.ofInstant(Files.getLastModifiedTime(current).toInstant(), ZoneOffset.UTC);
        }

        public void write(String line) throws IOException {
            int n = line.length() + 1; // close enough to bytes for rolling; the exact size is read back on open
            LocalDate today = today();
            if (!today.equals(day) || (size > 0 && size + n > maxBytes)) roll(today);
            w.write(line);
            w.write('\n');
            size += n;
        }

        public void flush() throws IOException { if (w != null) w.flush(); }

        public void close() throws IOException { if (w != null) w.close(); }

        private void roll(LocalDate today) throws IOException {
            w.close();
            w = null;
            String base = "error-" + DAY.format(day);
            Path target = dir.resolve(base + ".log");
            for (int i = 1; Files.exists(target); i++) target = dir.resolve(base + "_" + i + ".log");
            Files.move(current, target);
            day = today;
            open();
        }

        private void open() throws IOException {
            w = new BufferedWriter(new OutputStreamWriter(ServerFiles.append(current, ServerFiles.FILE),
                    StandardCharsets.UTF_8));
            size = Files.size(current);
        }

        private LocalDate today() { return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC); }
    }
}
