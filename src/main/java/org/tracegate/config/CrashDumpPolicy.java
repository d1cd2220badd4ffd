package org.tracegate.config;

import java.nio.file.Path;

/**
 * Whether and where the cores of crashed programs are kept (the {@code [crashDumps]} table).
 *
 * @param enabled    keep cores and read their backtraces; default true
 * @param maxSizeMiB the programs' core size limit (RLIMIT_CORE); default 64
 * @param keep       how many cores are kept, the newest; default 20
 * @param directory  where; null: logDir/crashes (no logDir: none are kept)
 */
public record CrashDumpPolicy(boolean enabled, int maxSizeMiB, int keep, Path directory) {
    public static CrashDumpPolicy defaults() { return new CrashDumpPolicy(true, 64, 20, null); }

    public static CrashDumpPolicy off() { return new CrashDumpPolicy(false, 64, 20, null); }

    /** The directory cores go to, or null when there is none. */
    public Path resolveDirectory(Path logDir) {
        if (directory != null) return directory;
        return logDir == null ? null : logDir.resolve("crashes");
    }

    /** Whether cores are kept: enabled, with somewhere to keep them. */
    public boolean active(Path logDir) { return enabled && resolveDirectory(logDir) != null; }
}
