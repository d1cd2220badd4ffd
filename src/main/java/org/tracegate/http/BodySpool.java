package org.tracegate.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds a chunked request body so CONTENT_LENGTH can be exact (CGI needs it up front): in memory up to
 * a threshold, then in a temp file deleted on close. Spooling happens before the concurrency gate, so
 * hundreds of uploads can spool at once: all in-memory spools together stay within a {@link Budget}, and
 * a body that does not fit goes to a file however small it is.
 */
final class BodySpool implements AutoCloseable {
    /** What all in-memory spools may hold together; the server's is a quarter of the heap. */
    static final class Budget {
        final long limit;
        private final AtomicLong used = new AtomicLong();

        Budget(long limit) { this.limit = limit; }

        boolean reserve(long n) {
            while (true) {
                long u = used.get();
                if (u + n > limit) return false;
                if (used.compareAndSet(u, u + n)) return true;
            }
        }

        void release(long n) { used.addAndGet(-n); }

        long used() { return used.get(); }
    }

    /** The read buffer's first size, doubled to {@link #MAX_READ} while reads fill it. */
    private static final int FIRST_READ = 4 * 1024;
    private static final int MAX_READ = 64 * 1024;

    static final Budget HEAP_QUARTER = new Budget(Runtime.getRuntime().maxMemory() / 4);

    private final long length;
    private final byte[] memory;
    private final Path file;
    private final Path directory;
    private final Budget budget;
    private long held;

    private BodySpool(long length, byte[] memory, Path file, Path directory, Budget budget, long held) {
        this.length = length;
        this.memory = memory;
        this.file = file;
        this.directory = directory;
        this.budget = budget;
        this.held = held;
    }

    /** Thrown when the body is larger than allowed; what was read is discarded. */
    static final class TooLarge extends IOException {
        final long readSoFar;

        TooLarge(long readSoFar) {
            super("request body over the limit");
            this.readSoFar = readSoFar;
        }
    }

    /**
     * The spool file could not be made, written or read (ENOSPC, EDQUOT, EACCES, EMFILE): the server's trouble, told
     * apart from the client's IOExceptions (a cut or malformed body), which come from reading the request.
     */
    static final class SpoolFailed extends IOException {
        final String directory;

        SpoolFailed(Path directory, IOException cause) {
            super(reason(cause), cause);
            this.directory = directory.toString();
        }

        private static String reason(IOException e) {
            // NIO's FileSystemException's message is the file's path (and the reason, when the OS gave one): the
            // directory is said apart, so the errno's words alone.
            if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
            if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
            if (e instanceof java.nio.file.FileSystemException f) return f.getReason() != null ? f.getReason() : e.toString();
            // A write's failure is a plain IOException whose message is the errno's words: "No space left on device".
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
    }

    /** @param directory where a body over {@code memoryLimit} (or the budget) goes: limits.spoolDirectory */
    static BodySpool read(InputStream in, long memoryLimit, long maxBody, Path directory) throws IOException {
        return read(in, memoryLimit, maxBody, HEAP_QUARTER, directory);
    }

    static BodySpool read(InputStream in, long memoryLimit, long maxBody, Budget budget, Path directory)
            throws IOException {
        // Small until the body comes fast: a client trickling its body holds this for as long as it likes (a FastCGI
        // upload is read whole first, one per connection), and 64 KiB each would let a few hundred fill the heap.
        ByteArrayOutputStream mem = new ByteArrayOutputStream(256);
        byte[] buf = new byte[FIRST_READ];
        long total = 0;
        Path file = null;
        OutputStream fileOut = null;
        long held = 0; // reserved for mem: twice its size, since the final toByteArray() copies it
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBody) throw new TooLarge(total);
                try {
                    if (fileOut == null && (total > memoryLimit || !budget.reserve(2L * n))) {
                        file = Files.createTempFile(directory, "tracegate-body-", ".spool");   // 0600
                        fileOut = Files.newOutputStream(file);
                        mem.writeTo(fileOut);
                        mem = null;
                        budget.release(held);
                        held = 0;
                    } else if (fileOut == null) {
                        held += 2L * n;
                    }
                    if (fileOut != null) fileOut.write(buf, 0, n);
                    else mem.write(buf, 0, n);
                } catch (IOException e) {
                    throw new SpoolFailed(directory, e);
                }
                if (n == buf.length && buf.length < MAX_READ) buf = new byte[buf.length * 2];
            }
            try {
                if (fileOut != null) fileOut.close();
            } catch (IOException e) {
                throw new SpoolFailed(directory, e);
            }
            BodySpool spool = new BodySpool(total, mem == null ? null : mem.toByteArray(), file, directory, budget, held);
            held = 0;
            return spool;
        } catch (IOException | RuntimeException | Error e) {
            budget.release(held);
            // The failure that matters is the first one: the cleanup's own are kept with it, never in its place.
            try {
                if (fileOut != null) fileOut.close();
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            try {
                if (file != null) Files.deleteIfExists(file);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    long length() { return length; }

    boolean inFile() { return file != null; }

    InputStream open() throws SpoolFailed {
        try {
            return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory);
        } catch (IOException e) {
            throw new SpoolFailed(directory, e);
        }
    }

    @Override
    public void close() throws IOException {
        budget.release(held);
        held = 0;
        if (file != null) Files.deleteIfExists(file);
    }
}
