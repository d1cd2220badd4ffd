package org.tracegate.config;

import java.nio.file.Path;
import java.util.List;

/**
 * IIS's Failed Request Event Buffering: which requests get a trace file, and where.
 *
 * @param enabled          default: true when there is at least one rule
 * @param directory        where W3SVC&lt;site&gt; directories go; null: see {@link #resolveDirectory}
 * @param maxLogFiles      trace files kept per site directory, oldest deleted first; default 50
 * @param maxLogFileSizeKB a file that would grow past this is truncated; default 1024
 * @param rules            tried in order; the first whose path and condition match decides
 * @param maxBodyKiB       how much of a CGI request's body its trace keeps for {@code tracegate replay}
 *                         (CGI_REQUEST_BODY; a longer body is kept as its first part with its length and SHA-256);
 *                         0 keeps none; default 1024
 */
public record FailedRequestTracing(boolean enabled, Path directory, int maxLogFiles, int maxLogFileSizeKB,
                                   List<TraceRule> rules, int maxBodyKiB) {
    public static final int DEFAULT_MAX_LOG_FILES = 50;
    public static final int DEFAULT_MAX_LOG_FILE_SIZE_KB = 1024;
    public static final int DEFAULT_MAX_BODY_KIB = 1024;

    public FailedRequestTracing {
        rules = List.copyOf(rules);
    }

    public FailedRequestTracing(boolean enabled, Path directory, int maxLogFiles, int maxLogFileSizeKB,
                                List<TraceRule> rules) {
        this(enabled, directory, maxLogFiles, maxLogFileSizeKB, rules, DEFAULT_MAX_BODY_KIB);
    }

    public static FailedRequestTracing disabled() {
        return new FailedRequestTracing(false, null, DEFAULT_MAX_LOG_FILES, DEFAULT_MAX_LOG_FILE_SIZE_KB, List.of());
    }

    /** Bytes of each CGI request body the gateway records: maxBodyKiB while tracing is on, else none. */
    public int recordBodyBytes() {
        return enabled && !rules.isEmpty() ? (int) Math.min(Integer.MAX_VALUE - 8, maxBodyKiB * 1024L) : 0;
    }

    /** These settings with one more rule, enabled (what {@code --trace-failed} does). */
    public FailedRequestTracing withRule(TraceRule rule) {
        List<TraceRule> more = new java.util.ArrayList<>(rules);
        more.add(rule);
        return new FailedRequestTracing(true, directory, maxLogFiles, maxLogFileSizeKB, more, maxBodyKiB);
    }

    /** {@code directory}, else {@code traceDir}, else {@code logDir/traces}, else {@code ./traces} (absolute). */
    public Path resolveDirectory(Path traceDir, Path logDir) {
        if (directory != null) return directory;
        if (traceDir != null) return traceDir;
        if (logDir != null) return logDir.resolve("traces");
        return Path.of("traces").toAbsolutePath();
    }
}
