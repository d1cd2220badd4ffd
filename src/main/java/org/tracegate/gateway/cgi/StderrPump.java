package org.tracegate.gateway.cgi;

import java.io.InputStream;
import java.util.function.Consumer;
import org.tracegate.text.LogText;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * Program stderr → error log, on a pump thread: every line tagged with pid and script and its control
 * characters escaped (a program cannot forge or hide a log line), at most {@code maxLogBytes} of error.log per
 * run — the lines as written, framing included, so a flood of empty lines is bounded too — and then
 * one line saying how much was dropped (300 MB of stderr must not become 300 MB of error.log); the first
 * {@link #MAX_EVENTS} lines also as CGI_STDERR trace events; the tail kept for the error page whatever was
 * dropped. The pipe is always drained to EOF, so the program never blocks on it.
 */
final class StderrPump implements Runnable {
    private static final int MAX_EVENTS = 200;

    private final InputStream stderr;
    private final String where;
    private final RequestTrace trace;
    private final Consumer<String> log;
    private final StderrBudget budget;
    private final StderrCapture capture = new StderrCapture();
    private int events;

    /**
     * @param where       ends every log line, e.g. " (pid 42, script /srv/x.cgi)"
     * @param maxLogBytes stderr bytes (of lines) logged per run; 0: none at all, only the count
     */
    StderrPump(InputStream stderr, String where, RequestTrace trace, Consumer<String> log, long maxLogBytes) {
        this.stderr = stderr;
        this.where = where;
        this.trace = trace;
        this.log = log;
        this.budget = new StderrBudget(maxLogBytes);
    }

    @Override
    public void run() {
        capture.drain(stderr, line -> {
            String message = "cgi: stderr: " + LogText.escape(line) + where;
            if (budget.admit(message, line)) log.accept(message);
            if (events++ < MAX_EVENTS) trace.emit(new TraceEvent.CgiStderr(line));
        });
        if (budget.dropped() > 0) {
            log.accept("cgi: stderr: " + budget.dropped() + " more bytes not logged (limits.stderrKiB = "
                    + budget.maxBytes() / 1024 + "; the page shows the last " + StderrCapture.TAIL_BYTES / 1024 + " KiB)"
                    + where);
        }
    }

    /** The last bytes of stderr so far, decoded leniently. */
    String tail() { return capture.tail(); }

    /** Stderr bytes not written to the error log because of the limit. */
    long droppedBytes() { return budget.dropped(); }
}
