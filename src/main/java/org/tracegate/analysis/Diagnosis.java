package org.tracegate.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the analyzer concluded about one failed request: the facts a renderer prints, already in
 * words where words are needed (cause, advice), raw where the renderer formats (times, byte counts).
 *
 * @param script         the program's file name (from the trace, else the URL's first segment with an extension)
 * @param headline       the whole story in one line (request, program, status)
 * @param causeKind      a short label for counting causes across requests
 * @param response       the response bytes the trace holds (status line, headers, body prefix), or null
 * @param responseTotal  how many body bytes were sent in all, or -1
 */
public record Diagnosis(String source, String sourceFormat, String contextId, String verb, String url, String path,
                        String script,
                        long bytesReceived, long bytesSent, String status, long win32Status, long timeTakenMillis,
                        List<Step> timeline, Program program, String headline, String cause, String causeKind,
                        List<String> advice, byte[] response, long responseTotal, List<String> notes) {

    /** One timeline line: when, which event, and what it said that matters. */
    public record Step(Instant time, String event, String detail) {}

    /**
     * What the program did.
     *
     * @param pid       -1 when it never started
     * @param ran       launch to its end (exit, termination, or the request's end), or null
     * @param exit      "exit status 3", "signal SIGSEGV (core dumped)", or null when the trace does not say
     * @param headers   the header bytes it sent (latin-1 text), "" for none, null when the trace does not say
     */
    /**
     * {@code limit}: the configured limit that ended the run, in words ("exceeded its CPU limit of 2 s"), or null.
     * {@code crash}: what the crash left (CGI_CRASH_DUMP), or null.
     */
    public record Program(String script, long pid, String commandLine, String launchError, Duration ran, String exit,
                          String headers, List<String> stderrTail, String limit, Crash crash) {
        public Program(String script, long pid, String commandLine, String launchError, Duration ran, String exit,
                       String headers, List<String> stderrTail, String limit) {
            this(script, pid, commandLine, launchError, ran, exit, headers, stderrTail, limit, null);
        }
    }

    /**
     * A crashed program's evidence.
     *
     * @param crashedIn "crashed in parse_config_line at crash.c:4 (SIGSEGV, address 0x0)", or "" without a backtrace
     * @param backtrace gdb's frame lines of the crashing thread
     * @param core      the kept core file, or ""
     * @param problem   why there is no core or backtrace, or ""
     */
    public record Crash(String signal, String crashedIn, List<String> backtrace, String core, String problem) {}
}
