package org.tracegate.process;

/**
 * How a program ended, as the kernel reported it.
 *
 * @param exitCode    the exit status 0..255, or -1 when a signal ended it
 * @param signal      the terminating signal number, or 0 when it exited
 * @param coreDumped  whether the kernel wrote a core dump
 * @param cpuMillis   user + system CPU time, or -1 when the launcher cannot tell
 * @param maxRssKiB   peak resident set size, or -1 when the launcher cannot tell
 * @param lostBecause null when the kernel reported how it ended; otherwise why nobody can tell ("the spawn helper
 *                    died"): exitCode is then -1 and signal 0
 */
public record ExitStatus(int exitCode, int signal, boolean coreDumped, long cpuMillis, long maxRssKiB,
                         String lostBecause) {

    /** As the kernel reported it. */
    public ExitStatus(int exitCode, int signal, boolean coreDumped, long cpuMillis, long maxRssKiB) {
        this(exitCode, signal, coreDumped, cpuMillis, maxRssKiB, null);
    }

    public static ExitStatus exited(int code) { return new ExitStatus(code, 0, false, -1, -1); }

    public static ExitStatus signalled(int signal, boolean core) { return new ExitStatus(-1, signal, core, -1, -1); }

    /** No status can be had, for the reason given (e.g. "the spawn helper died; the program was killed"). */
    public static ExitStatus lost(String because) { return new ExitStatus(-1, 0, false, -1, -1, because); }

    public boolean signalled() { return signal != 0; }

    /** True when nobody could report how it ended ({@link #lostBecause} says why). */
    public boolean isLost() { return lostBecause != null; }

    /** "exit status 3", "signal SIGSEGV (core dumped)", "no exit status (the spawn helper died; …)". */
    public String describe() {
        if (lostBecause != null) return "no exit status (" + lostBecause + ")";
        if (signal != 0) return "signal " + Signals.name(signal) + (coreDumped ? " (core dumped)" : "");
        return "exit status " + exitCode;
    }

    /** The exit status as trace text, or "" when a signal ended it or the status was lost. */
    public String exitCodeText() { return signal != 0 || lostBecause != null ? "" : Integer.toString(exitCode); }

    /** The signal's name as trace text, or "" when it exited. */
    public String signalName() { return signal != 0 ? Signals.name(signal) : ""; }

    /** The short error code for pages and logs: "3", "SIGSEGV", or "unknown" when the status was lost. */
    public String errorCode() {
        if (lostBecause != null) return "unknown";
        return signal != 0 ? Signals.name(signal) : Integer.toString(exitCode);
    }
}
