package org.tracegate.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds a chunked request body so CONTENT_LENGTH can be exact (CGI needs it up front): in memory up to
 * a threshold, then in a temp file deleted on close.
 */
final class BodySpool implements AutoCloseable {
    private final long length;
    private final byte[] memory;
    private final Path file;

    private BodySpool(long length, byte[] memory, Path file) {
        this.length = length;
        this.memory = memory;
        this.file = file;
    }

    /** Thrown when the body is larger than allowed; what was read is discarded. */
    static final class TooLarge extends IOException {
        final long readSoFar;

        TooLarge(long readSoFar) {
            super("request body over the limit");
            this.readSoFar = readSoFar;
        }
    }

    static BodySpool read(InputStream in, long memoryLimit, long maxBody) throws IOException {
        ByteArrayOutputStream mem = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        Path file = null;
        OutputStream fileOut = null;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBody) throw new TooLarge(total);
                if (fileOut == null && total > memoryLimit) {
                    file = Files.createTempFile("tracegate-body-", ".spool");
                    fileOut = Files.newOutputStream(file);
                    mem.writeTo(fileOut);
                    mem = null;
                }
                if (fileOut != null) fileOut.write(buf, 0, n);
                else mem.write(buf, 0, n);
            }
            if (fileOut != null) fileOut.close();
            return new BodySpool(total, mem == null ? null : mem.toByteArray(), file);
        } catch (IOException | RuntimeException e) {
            if (fileOut != null) fileOut.close();
            if (file != null) Files.deleteIfExists(file);
            throw e;
        }
    }

    long length() { return length; }

    InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory);
    }

    @Override
    public void close() throws IOException {
        if (file != null) Files.deleteIfExists(file);
    }
}
