package org.tracegate.metrics;

import java.util.Locale;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * Why a gateway answered 502 (or 504, a header timeout configured so): a closed set, the {@code cause} label of
 * {@code tracegate_bad_gateway_responses_total} and the rows of the dashboard's "502s by cause". Each is one of the
 * gateway's failure types ({@code GatewayFailure}) as the trace shows it, split where the analyzer's cause line
 * splits (an exit status or a signal; CGI or FastCGI).
 */
public enum BadGatewayCause {
    EXITED_BEFORE_HEADERS("502.2", "the program exited before its header block was complete"),
    KILLED_BY_SIGNAL("502.2", "the program was killed by a signal before its header block was complete"),
    INVALID_HEADERS("502.2", "the program sent an invalid header block"),
    RESPONSE_BROKEN("502.2", "the body broke off after the headers, before anything was sent"),
    HEADER_TIMEOUT("502.1", "no complete header block within the header timeout"),
    TOTAL_TIMEOUT("502.1", "the program ran past the total timeout"),
    LAUNCH_FAILED("502.3", "the program could not be started (exec failed)"),
    TOO_MANY_REDIRECTS("502.5", "too many local redirects"),
    ENDED_BY_OPERATOR("502.7", "the operator ended the request"),
    FASTCGI_UNREACHABLE("502.3", "the FastCGI application could not be reached"),
    FASTCGI_BROKE_OFF("502.2", "the FastCGI application broke off before its header block was complete"),
    FASTCGI_REFUSED("502.6", "the FastCGI application refused the request"),
    FASTCGI_TIMEOUT("502.1", "the FastCGI application timed out"),
    OTHER("502", "another gateway failure");

    private final String statusCode;
    private final String description;

    BadGatewayCause(String statusCode, String description) {
        this.statusCode = statusCode;
        this.description = description;
    }

    /** The label value: "exited_before_headers". */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** The status.substatus it is answered with. */
    public String statusCode() { return statusCode; }

    public String description() { return description; }

    /** The cause of a finished request's bad gateway, or null when it was not one. */
    public static BadGatewayCause of(RequestTrace trace) {
        TraceEvent.ModuleSetResponseErrorStatus error = trace.last(TraceEvent.ModuleSetResponseErrorStatus.class);
        if (error == null || !(error.httpStatus() == 502 || error.httpStatus() == 504 && "TIMEOUT".equals(error.errorCode()))) {
            return null;
        }
        boolean fastcgi = trace.first(TraceEvent.FastCgiRequestStart.class) != null;
        if (error.httpStatus() == 502 && error.httpSubStatus() == 7) return ENDED_BY_OPERATOR;
        return switch (error.errorCode()) {
            case "INVALID_HEADER" -> INVALID_HEADERS;
            case "REDIRECT_LOOP" -> TOO_MANY_REDIRECTS;
            case "BROKEN_BODY" -> RESPONSE_BROKEN;
            case "TIMEOUT" -> fastcgi ? FASTCGI_TIMEOUT
                    : trace.first(TraceEvent.CgiTimeout.class) != null ? HEADER_TIMEOUT : TOTAL_TIMEOUT;
            default -> switch (error.httpSubStatus()) {
                case 3 -> fastcgi ? FASTCGI_UNREACHABLE : LAUNCH_FAILED;
                case 6 -> FASTCGI_REFUSED;
                case 2 -> {
                    if (fastcgi) yield FASTCGI_BROKE_OFF;
                    TraceEvent.CgiPrematureTermination p = trace.last(TraceEvent.CgiPrematureTermination.class);
                    if (p == null) yield OTHER;
                    yield p.signal() != null && !p.signal().isEmpty() ? KILLED_BY_SIGNAL : EXITED_BEFORE_HEADERS;
                }
                default -> OTHER;
            };
        };
    }
}
