package org.tracegate.analysis;

import static org.tracegate.trace.EventNames.*;

import java.util.ArrayList;
import java.util.List;
import org.tracegate.traceformats.RecordedEvent;

/**
 * The program answered 5xx itself (a PHP fatal error, a Python traceback, a Perl die behind {@code Status: 500}):
 * the gateway did its job, so the cause line names the program and quotes its most telling stderr line rather
 * than blaming the server.
 */
final class OwnFailure {
    private OwnFailure() {}

    /** The finding, or null when the gateway set the status (MODULE_SET_RESPONSE_ERROR_STATUS) or no head came. */
    static Finding find(Analyzer.Facts f) {
        RequestEvents r = f.request();
        if (r.status() < 500 || r.first(MODULE_SET_RESPONSE_ERROR_STATUS) != null) return null;
        RecordedEvent head = r.last(CGI_HEADERS_RECEIVED) != null ? r.last(CGI_HEADERS_RECEIVED) : r.last(FASTCGI_RESPONSE_HEADERS);
        if (head == null) return null;
        List<String> stderr = r.all(CGI_STDERR).stream().map(e -> Analyzer.orEmpty(e.text("Text"))).toList();
        String line = StderrLines.mostTelling(stderr);
        String said = line == null ? ": it wrote nothing on stderr, so its own log (or display_errors) is the place to look"
                : ": its stderr says \"" + line + "\"";
        List<String> advice = new ArrayList<>();
        advice.add(line == null
                ? "Look in the application's own log (PHP: error_log in php.ini; a framework's log directory)."
                : "Fix what that line names: this is the application's own error, not the server's.");
        advice.add("Reproduce it outside the server with the same request (`tracegate replay` on this trace, when it "
                + "has the request), or run the script by hand.");
        advice.add("See docs/failures.md, \"The program's own 5xx\".");
        return new Finding("the program's own " + r.status(),
                "The program " + f.script() + " answered " + r.status() + " itself (the gateway worked)" + said + ".",
                advice, "the program " + f.script() + " answered " + r.status() + " itself");
    }
}
