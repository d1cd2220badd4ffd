package org.tracegate.process;

/**
 * How a program ended, as the kernel reported it.
 *
 * @param exitCode    the exit status 0..255, or -1 when a signal ended it
 * @param signal      the terminating signal number, or 0 when it exited
 * @param coreDumped  whether the kernel wrote a core dump
 * @param cpuMillis   user + system CPU time, or -1 when the launcher cannot tell
 * @param maxRssKiB   peak resident set size, or -1 when the launcher cannot tell
 */
public record ExitStatus(int exitCode, int signal, boolean coreDumped, long cpuMillis, long maxRssKiB) {

    public static ExitStatus exited(int code) { return new ExitStatus(code, 0, false, -1, -1); }

    public static ExitStatus signalled(int signal, boolean core) { return new ExitStatus(-1, signal, core, -1, -1); }

    public boolean signalled() { return signal != 0; }

    /** "exit status 3", "signal SIGSEGV (core dumped)". */
    public String describe() {
        if (signal != 0) return "signal " + Signals.name(signal) + (coreDumped ? " (core dumped)" : "");
        return "exit status " + exitCode;
    }

    /** The exit status as trace text, or "" when a signal ended it. */
    public String exitCodeText() { return signal != 0 ? "" : Integer.toString(exitCode); }

    /** The signal's name as trace text, or "" when it exited. */
    public String signalName() { return signal != 0 ? Signals.name(signal) : ""; }

    /** The short error code for pages and logs: "3" or "SIGSEGV". */
    public String errorCode() {
        return signal != 0 ? Signals.name(signal) : Integer.toString(exitCode);
    }
}
