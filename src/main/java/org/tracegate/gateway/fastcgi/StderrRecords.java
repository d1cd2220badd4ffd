package org.tracegate.gateway.fastcgi;

import java.io.ByteArrayInputStream;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tracegate.gateway.cgi.StderrCapture;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * One request's STDERR records, for both ways of reading a request ({@link FastCgiExchange}, {@link PushExchange}):
 * CGI's bounded capture, lines to the error log tagged with the request, the first {@value #MAX_EVENTS} also as
 * CGI_STDERR events, the last 8 KiB kept exactly as sent. A record's end also ends a log line: php-fpm's STDERR has no
 * newline at all (it joins a request's messages with "; ") and is cut into records wherever its 8 KiB buffer fills.
 */
final class StderrRecords {
    private static final int MAX_EVENTS = 200;

    private final StderrCapture capture = new StderrCapture();
    private final RequestTrace trace;
    private final Consumer<String> log;
    private final Supplier<String> where;
    private long bytes;
    private int events;

    /** @param where ends each log line: the server, request and script */
    StderrRecords(RequestTrace trace, Consumer<String> log, Supplier<String> where) {
        this.trace = trace;
        this.log = log;
        this.where = where;
    }

    /** A non-empty STDERR record's content, in order. */
    void take(byte[] content) {
        bytes += content.length;
        // A fresh stream per record: StderrCapture ends a line at the end of what it drains.
        capture.drain(new ByteArrayInputStream(content), line -> {
            log.accept("fastcgi: stderr: " + line + where.get());
            if (events++ < MAX_EVENTS) trace.emit(new TraceEvent.CgiStderr(line));
        });
    }

    long bytes() { return bytes; }

    /** The last 8 KiB, decoded leniently. */
    String tail() { return capture.tail(); }
}
