package org.tracegate.gateway.fastcgi;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
    /** The timestamp and request id in front of a line, and its newline (as CGI's StderrPump counts them). */
    private static final int LINE_FRAMING = 70;

    private final StderrCapture capture = new StderrCapture();
    private final RequestTrace trace;
    private final Consumer<String> log;
    private final Supplier<String> where;
    private final long maxLogBytes;
    private long bytes;
    private long logged;
    private long dropped;
    private int events;

    /**
     * @param where       ends each log line: the server, request and script
     * @param maxLogBytes error-log bytes of this request's STDERR lines; 0: none, only the count
     */
    StderrRecords(RequestTrace trace, Consumer<String> log, Supplier<String> where, long maxLogBytes) {
        this.trace = trace;
        this.log = log;
        this.where = where;
        this.maxLogBytes = maxLogBytes;
    }

    /** A non-empty STDERR record's content, in order. */
    void take(byte[] content) {
        bytes += content.length;
        // A fresh stream per record: StderrCapture ends a line at the end of what it drains.
        capture.drain(new ByteArrayInputStream(content), line -> {
            if (dropped == 0) {
                String message = "fastcgi: stderr: " + LogText.escape(line) + where.get();
                long size = message.getBytes(StandardCharsets.UTF_8).length + LINE_FRAMING;
                if (logged + size <= maxLogBytes) {
                    logged += size;
                    log.accept(message);
                } else {
                    dropped += line.getBytes(StandardCharsets.UTF_8).length + 1;
                }
            } else {
                dropped += line.getBytes(StandardCharsets.UTF_8).length + 1;
            }
            if (events++ < MAX_EVENTS) trace.emit(new TraceEvent.CgiStderr(line));
        });
    }

    /** The request is over: says how much STDERR was not logged, if any. Once. */
    void over() {
        if (dropped == 0) return;
        log.accept("fastcgi: stderr: " + dropped + " more bytes not logged (limits.stderrKiB = " + maxLogBytes / 1024
                + "; the page shows the last " + StderrCapture.TAIL_BYTES / 1024 + " KiB)" + where.get());
        dropped = 0;
    }

    long bytes() { return bytes; }

    /** The last 8 KiB, decoded leniently. */
    String tail() { return capture.tail(); }
}
