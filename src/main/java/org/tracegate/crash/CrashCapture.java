package org.tracegate.crash;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * What is known about a crash when the program has just been reaped, before the core is moved and read: enough
 * for the error page, which is sent at once. The backtrace follows in {@link #report}.
 *
 * @param signal          "SIGSEGV"
 * @param coreDumped      whether the kernel wrote a core
 * @param core            where the core will be kept, or null when there is none to keep
 * @param problem         why there is no core or no backtrace, in words, or null
 * @param backtraceComing whether gdb will read the core
 * @param report          completes with the moved core and its backtrace (never exceptionally)
 */
public record CrashCapture(String signal, boolean coreDumped, Path core, String problem, boolean backtraceComing,
                           CompletableFuture<CrashReport> report) {

    /** A crash without a core to keep. */
    static CrashCapture without(String signal, boolean coreDumped, String problem) {
        return new CrashCapture(signal, coreDumped, null, problem, false,
                CompletableFuture.completedFuture(new CrashReport(null, 0, null, problem)));
    }
}
