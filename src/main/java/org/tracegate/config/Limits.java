package org.tracegate.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Timeouts and limits. Defaults in {@link #defaults()}.
 *
 * @param headerTimeout      time allowed for a complete header block; default 30 s
 * @param headerTimeoutStatus status for a header timeout: 502 (IIS 502.1, default) or 504
 * @param idleTimeout        time allowed between reads of the body after the headers; default 60 s
 * @param killGrace          SIGTERM → SIGKILL delay; default 2 s
 * @param shutdownGrace      time running programs get to finish on SIGTERM/SIGINT; default 10 s
 * @param maxRequestBody     largest request body accepted (413 above); default 1 GiB
 * @param spoolMemory        chunked request bodies up to this stay in memory, larger go to a temp file; default 1 MiB
 * @param headerLineBytes    longest CGI header line; default 16 KiB
 * @param headerLines        most CGI header lines; default 500
 * @param headerBlockBytes   largest CGI header block; default 64 KiB
 * @param maxConcurrent      programs running at once; default 8 per CPU (see {@link #defaultMaxConcurrent()})
 * @param queueSize          requests waiting for a slot; default 256
 * @param queueTimeout       longest wait for a slot (503.2 after); default 10 s
 * @param redirectHops       local redirects followed per request; default 5
 * @param totalTimeout       longest a program may run for one request, output or not (IIS's CGI timeout);
 *                           default 900 s
 * @param spoolDirectory     where request bodies read whole go once over spoolMemory; null (default): the JVM's
 *                           temp directory (java.io.tmpdir)
 */
public record Limits(
        Duration headerTimeout,
        int headerTimeoutStatus,
        Duration idleTimeout,
        Duration killGrace,
        Duration shutdownGrace,
        long maxRequestBody,
        long spoolMemory,
        int headerLineBytes,
        int headerLines,
        int headerBlockBytes,
        int maxConcurrent,
        int queueSize,
        Duration queueTimeout,
        int redirectHops,
        Duration totalTimeout,
        Path spoolDirectory) {

    /** Limits with the default spool directory (java.io.tmpdir). */
    public Limits(Duration headerTimeout, int headerTimeoutStatus, Duration idleTimeout, Duration killGrace,
                  Duration shutdownGrace, long maxRequestBody, long spoolMemory, int headerLineBytes, int headerLines,
                  int headerBlockBytes, int maxConcurrent, int queueSize, Duration queueTimeout, int redirectHops,
                  Duration totalTimeout) {
        this(headerTimeout, headerTimeoutStatus, idleTimeout, killGrace, shutdownGrace, maxRequestBody, spoolMemory,
                headerLineBytes, headerLines, headerBlockBytes, maxConcurrent, queueSize, queueTimeout, redirectHops,
                totalTimeout, null);
    }

    /** The spool directory in effect: {@link #spoolDirectory()}, or java.io.tmpdir when it is unset. */
    public Path spoolDirectoryOrTemp() {
        return spoolDirectory != null ? spoolDirectory : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * 8 programs per CPU (at least 8): 16 on a 2-core machine. Measured there (bench/README.md), 64 hello
     * requests at once got a p99 latency of ~430 ms when all 64 programs ran together and ~200–250 ms when
     * 16–32 ran and the rest waited their turn in the fair queue, at the same throughput: beyond a few
     * programs per core, more at once only makes the scheduler's order, not the queue's, decide who waits.
     * Slow programs need more: raise it (a full gate answers 503.2 after queueTimeout, saying so).
     */
    public static int defaultMaxConcurrent() {
        return Math.max(8, 8 * Runtime.getRuntime().availableProcessors());
    }

    public static Limits defaults() {
        return new Limits(Duration.ofSeconds(30), 502, Duration.ofSeconds(60), Duration.ofSeconds(2),
                Duration.ofSeconds(10), 1L << 30, 1L << 20, 16 * 1024, 500, 64 * 1024, defaultMaxConcurrent(), 256,
                Duration.ofSeconds(10), 5, Duration.ofSeconds(900));
    }

    public Limits withHeaderTimeout(Duration v) { return new Limits(v, headerTimeoutStatus, idleTimeout, killGrace, shutdownGrace, maxRequestBody, spoolMemory, headerLineBytes, headerLines, headerBlockBytes, maxConcurrent, queueSize, queueTimeout, redirectHops, totalTimeout, spoolDirectory); }
    public Limits withIdleTimeout(Duration v) { return new Limits(headerTimeout, headerTimeoutStatus, v, killGrace, shutdownGrace, maxRequestBody, spoolMemory, headerLineBytes, headerLines, headerBlockBytes, maxConcurrent, queueSize, queueTimeout, redirectHops, totalTimeout, spoolDirectory); }
    public Limits withMaxConcurrent(int v, int queue, Duration wait) { return new Limits(headerTimeout, headerTimeoutStatus, idleTimeout, killGrace, shutdownGrace, maxRequestBody, spoolMemory, headerLineBytes, headerLines, headerBlockBytes, v, queue, wait, redirectHops, totalTimeout, spoolDirectory); }
    public Limits withKillGrace(Duration v) { return new Limits(headerTimeout, headerTimeoutStatus, idleTimeout, v, shutdownGrace, maxRequestBody, spoolMemory, headerLineBytes, headerLines, headerBlockBytes, maxConcurrent, queueSize, queueTimeout, redirectHops, totalTimeout, spoolDirectory); }
    public Limits withTotalTimeout(Duration v) { return new Limits(headerTimeout, headerTimeoutStatus, idleTimeout, killGrace, shutdownGrace, maxRequestBody, spoolMemory, headerLineBytes, headerLines, headerBlockBytes, maxConcurrent, queueSize, queueTimeout, redirectHops, v, spoolDirectory); }
    public Limits withMaxRequestBody(long v) { return new Limits(headerTimeout, headerTimeoutStatus, idleTimeout, killGrace, shutdownGrace, v, spoolMemory, headerLineBytes, headerLines, headerBlockBytes, maxConcurrent, queueSize, queueTimeout, redirectHops, totalTimeout, spoolDirectory); }
    public Limits withSpoolMemory(long v) { return new Limits(headerTimeout, headerTimeoutStatus, idleTimeout, killGrace, shutdownGrace, maxRequestBody, v, headerLineBytes, headerLines, headerBlockBytes, maxConcurrent, queueSize, queueTimeout, redirectHops, totalTimeout, spoolDirectory); }
    public Limits withSpoolDirectory(Path v) { return new Limits(headerTimeout, headerTimeoutStatus, idleTimeout, killGrace, shutdownGrace, maxRequestBody, spoolMemory, headerLineBytes, headerLines, headerBlockBytes, maxConcurrent, queueSize, queueTimeout, redirectHops, totalTimeout, v); }
}
