package org.tracegate.gateway.fastcgi;

import java.io.ByteArrayInputStream;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tracegate.gateway.cgi.StderrBudget;
import org.tracegate.gateway.cgi.StderrCapture;
import org.tracegate.text.LogText;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * One request's STDERR records, for both ways of reading a request ({@link FastCgiExchange}, {@link PushExchange}):
 * CGI's bounded capture, lines to the error log tagged with the request (escaped, as a CGI program's, and at most
 * {@code limits.stderrKiB} of them; then one line with the count of the rest), the first {@value #MAX_EVENTS} also as
 * CGI_STDERR events, the last 8 KiB kept exactly as sent. A record's end also ends a log line: php-fpm's STDERR has no
 * newline at all (it joins a request's messages with "; ") and is cut into records wherever its 8 KiB buffer fills.
 */
final class StderrRecords {
    private static final int MAX_EVENTS = 200;

    private final StderrCapture capture = new StderrCapture();
    private final RequestTrace trace;
    private final Consumer<String> log;
    private final Supplier<String> where;
    private final StderrBudget budget;
    private long bytes;
    private boolean over;
    private int events;

    /**
     * @param where       ends each log line: the server, request and script
     * @param maxLogBytes error-log bytes of this request's STDERR lines; 0: none, only the count
     */
    StderrRecords(RequestTrace trace, Consumer<String> log, Supplier<String> where, long maxLogBytes) {
        this.trace = trace;
        this.log = log;
        this.where = where;
        this.budget = new StderrBudget(maxLogBytes);
    }

    /** A non-empty STDERR record's content, in order. */
    void take(byte[] content) {
        bytes += content.length;
        // A fresh stream per record: StderrCapture ends a line at the end of what it drains.
        capture.drain(new ByteArrayInputStream(content), line -> {
            String message = "fastcgi: stderr: " + LogText.escape(line) + where.get();
            if (budget.admit(message, line)) log.accept(message);
            if (events++ < MAX_EVENTS) trace.emit(new TraceEvent.CgiStderr(line));
        });
    }

    /** The request is over: says how much STDERR was not logged, if any. Once. */
    void over() {
        if (over || budget.dropped() == 0) return;
        over = true;
        log.accept("fastcgi: stderr: " + budget.dropped() + " more bytes not logged (limits.stderrKiB = "
                + budget.maxBytes() / 1024 + "; the page shows the last " + StderrCapture.TAIL_BYTES / 1024 + " KiB)"
                + where.get());
    }

    long bytes() { return bytes; }

    /** The last 8 KiB, decoded leniently. */
    String tail() { return capture.tail(); }
}
