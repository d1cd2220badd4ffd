package org.tracegate.failtrace;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.tracegate.config.FailedRequestTracing;
import org.tracegate.config.StatusRange;
import org.tracegate.config.TraceRule;
import org.tracegate.config.TraceVerbosity;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/** Hand-built request traces, shaped like the gateway's. */
final class Traces {
    static final String SEED_URL = "http://127.0.0.1:8080/cgi-bin/htmlos.exe/login?x=1&y=<2>";

    private Traces() {}

    static RequestTrace started(String url, String verb) {
        RequestTrace t = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "Tracegate", 7, 1));
        t.emit(new TraceEvent.GeneralRequestStart(1, "Tracegate", 7, 1, url, verb));
        t.emit(new TraceEvent.GeneralRequestHeaders("Host: 127.0.0.1:8080\r\nContent-Type: multipart/form-data\r\n"));
        return t;
    }

    /**
     * The seed: a POST to htmlos.exe whose program dies before sending any header while the server still
     * reads all 105906875 bytes of the body: 502.2.
     */
    static RequestTrace seed() {
        RequestTrace t = started(SEED_URL, "POST");
        t.emit(new TraceEvent.HandlerChanged("CGI-exe", "/srv/site/cgi-bin/htmlos.exe", "/srv/site/cgi-bin/htmlos.exe"));
        t.emit(new TraceEvent.CgiLaunch("/srv/site/cgi-bin/htmlos.exe", "0", 3136));
        t.emit(new TraceEvent.CgiStderr("htmlos: cannot allocate buffer \u0001\u0000 & <bye>"));
        t.emit(new TraceEvent.CgiPrematureTermination("", "", "SIGSEGV"));
        t.emit(new TraceEvent.ModuleSetResponseErrorStatus("CgiModule", 502, "Bad Gateway", 2, "SIGSEGV",
                "EXECUTE_REQUEST_HANDLER"));
        t.emit(new TraceEvent.GeneralResponseHeaders("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"));
        t.emit(new TraceEvent.GeneralResponseEntityBuffer("<html><body>502.2</body></html>", 31));
        t.emit(new TraceEvent.CgiExit("", "SIGSEGV", true, "SELF", 12, 2048));
        t.emit(new TraceEvent.GeneralRequestEnd(31, 105_906_875, 502, 2));
        return t;
    }

    static RequestTrace ok(String url) {
        RequestTrace t = started(url, "GET");
        t.emit(new TraceEvent.CgiLaunch("/srv/site/cgi-bin/ok.sh", "0", 4000));
        t.emit(new TraceEvent.CgiHeadersReceived("Content-Type: text/plain\r\n"));
        t.emit(new TraceEvent.CgiExit("0", "", false, "SELF", 1, 1024));
        t.emit(new TraceEvent.GeneralRequestEnd(2, 0, 200, 0));
        return t;
    }

    static RequestTrace ended(String url, int status, int sub) {
        RequestTrace t = started(url, "GET");
        t.emit(new TraceEvent.GeneralRequestEnd(0, 0, status, sub));
        return t;
    }

    static TraceRule rule(String path, String codes) {
        return new TraceRule(path, StatusRange.parseList(codes), null, TraceVerbosity.VERBOSE, Set.copyOf(TraceRule.AREAS));
    }

    static TraceRule timeRule(String path, Duration limit) {
        return new TraceRule(path, List.of(), limit, TraceVerbosity.VERBOSE, Set.copyOf(TraceRule.AREAS));
    }

    static FailedRequestTracing tracing(int maxFiles, int maxKB, TraceRule... rules) {
        return new FailedRequestTracing(true, null, maxFiles, maxKB, List.of(rules));
    }
}
