package org.tracegate.gateway.cgi;

import java.io.InputStream;
import java.util.function.Consumer;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * Program stderr → error log, on a pump thread: every line tagged with pid and script, the first
 * {@link #MAX_EVENTS} also as CGI_STDERR trace events, the tail kept for the error page.
 */
final class StderrPump implements Runnable {
    private static final int MAX_EVENTS = 200;

    private final InputStream stderr;
    private final String where;
    private final RequestTrace trace;
    private final Consumer<String> log;
    private final StderrCapture capture = new StderrCapture();
    private int events;

    /** {@code where} ends every log line, e.g. " (pid 42, script /srv/x.cgi)". */
    StderrPump(InputStream stderr, String where, RequestTrace trace, Consumer<String> log) {
        this.stderr = stderr;
        this.where = where;
        this.trace = trace;
        this.log = log;
    }

    @Override
    public void run() {
        capture.drain(stderr, line -> {
            log.accept("cgi: stderr: " + line + where);
            if (events++ < MAX_EVENTS) trace.emit(new TraceEvent.CgiStderr(line));
        });
    }

    /** The last bytes of stderr so far, decoded leniently. */
    String tail() { return capture.tail(); }
}
