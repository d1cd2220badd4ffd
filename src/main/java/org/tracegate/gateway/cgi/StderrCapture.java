package org.tracegate.gateway.cgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Drains a program's stderr so it can never block on a full pipe: each line goes to the error log
 * (long lines are split), and the last {@link #TAIL_BYTES} bytes are kept for the error page.
 */
public final class StderrCapture {
    public static final int TAIL_BYTES = 8 * 1024;
    private static final int MAX_LINE = 4 * 1024;

    private byte[] tail;   // on the first byte: most programs write no stderr, and 8 KiB each was a third of
                           // the FastCGI hello's allocation (bench/README.md, "FastCGI")
    private long total;

    /** Reads to EOF; {@code onLine} gets every line without its terminator. */
    public void drain(InputStream in, Consumer<String> onLine) { drain(in, () -> { }, onLine); }

    /**
     * As {@link #drain(InputStream, Consumer)}; {@code lineStarted} runs as each line's first byte arrives, so a
     * long-lived process's line can be told whose it is by when it began, not by when its newline came.
     */
    public void drain(InputStream in, Runnable lineStarted, Consumer<String> onLine) {
        byte[] buf = new byte[8192];
        byte[] line = new byte[MAX_LINE];
        int lineLen = 0;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                remember(buf, n);
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n' || lineLen == MAX_LINE) {
                        onLine.accept(decode(line, lineLen));
                        lineLen = 0;
                        if (b == '\n') continue;
                    }
                    if (lineLen == 0) lineStarted.run();
                    line[lineLen++] = b;
                }
            }
        } catch (IOException e) {
            // Our end was closed during cleanup; what was read is kept.
        }
        if (lineLen > 0) onLine.accept(decode(line, lineLen));
    }

    private synchronized void remember(byte[] buf, int n) {
        if (tail == null) tail = new byte[TAIL_BYTES];
        for (int i = 0; i < n; i++) tail[(int) ((total + i) % TAIL_BYTES)] = buf[i];
        total += n;
    }

    /** The last bytes of stderr, oldest first. */
    public synchronized String tail() {
        if (total == 0) return "";
        int len = (int) Math.min(total, TAIL_BYTES);
        byte[] out = new byte[len];
        long start = total - len;
        for (int i = 0; i < len; i++) out[i] = tail[(int) ((start + i) % TAIL_BYTES)];
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String decode(byte[] b, int len) {
        int end = len > 0 && b[len - 1] == '\r' ? len - 1 : len;
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
