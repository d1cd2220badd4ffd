package org.tracegate.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The operator's error log: one line per program stderr line or gateway problem, tagged with the
 * request id. Writing happens on its own thread so a slow disk never stalls a request; when the
 * queue is full, lines are counted as dropped rather than blocking.
 */
public final class ErrorLog implements AutoCloseable {
    private static final String STOP = new String("stop");

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final Writer out;
    private final Thread writer;
    private volatile long dropped;

    private ErrorLog(Writer out) {
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name("tracegate-errorlog").start(this::drain);
    }

    /** Appends to {@code dir/error.log}, creating the directory. */
    public static ErrorLog toDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        BufferedWriter w = Files.newBufferedWriter(dir.resolve("error.log"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new ErrorLog(w);
    }

    public static ErrorLog to(PrintStream stream) {
        return new ErrorLog(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8));
    }

    /** Standard error, for code given no error log (tests, tools): one shared log, never to be closed. */
    public static ErrorLog standardError() { return StandardError.LOG; }

    private static final class StandardError {
        static final ErrorLog LOG = to(System.err); // created on first use only
    }

    /** {@code 2026-11-23T21:00:00.123456Z [request-id] message}. */
    public void log(String requestId, String message) {
        String line = Instant.now() + " [" + (requestId == null ? "-" : requestId) + "] " + message;
        if (!queue.offer(line)) dropped++;
    }

    private void drain() {
        try {
            while (true) {
                String line = queue.take();
                if (line == STOP) break;
                out.write(line);
                out.write('\n');
                if (queue.isEmpty()) out.flush();
            }
            out.flush();
        } catch (InterruptedException | IOException e) {
            System.err.println("tracegate: error log writer stopped: " + e);
        }
    }

    public long dropped() { return dropped; }

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
}
