package org.tracegate.http;

import java.util.List;
import org.eclipse.jetty.http.HttpStatus;
import org.tracegate.crash.CrashCapture;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.cgi.ProgramReport;

/**
 * Everything an error page may show, detailed or not: the failure (status.substatus, cause, advice), the
 * facts of the request, and the program's report when a program ran. The substatus never reaches the
 * wire's status line; it appears here, in logs and traces.
 *
 * @param failure what went wrong
 * @param request the request's facts as the page shows them
 * @param program what the program did, or null when none ran
 */
record Problem(GatewayFailure failure, RequestFacts request, ProgramReport program) {

    /**
     * @param requestId     the activity id
     * @param requestedUrl  the URL as requested
     * @param module        the module that set the error, e.g. "CgiModule"
     * @param handler       the handler, e.g. "CGI-exe", or "" when none was chosen
     * @param physicalPath  the file the URL mapped to, or ""
     * @param elapsedMillis time from request start
     * @param bytesReceived request body bytes read
     */
    record RequestFacts(String requestId, String requestedUrl, String module, String handler, String physicalPath,
                        long elapsedMillis, long bytesReceived) {}

    int status() { return failure.status(); }

    int subStatus() { return failure.subStatus(); }

    /** "502.2". */
    String statusCode() { return failure.statusCode(); }

    /** The reason phrase, e.g. "Bad Gateway". */
    String title() { return HttpStatus.getMessage(failure.status()); }

    String cause() { return failure.cause(); }

    String errorCode() { return failure.errorCode(); }

    List<String> thingsToTry() { return failure.thingsToTry(); }

    /** The header bytes the program returned, or null when no program ran. */
    byte[] headerBytes() {
        if (failure.headerBytes().length > 0) return failure.headerBytes();
        return program == null ? null : program.headerBytes();
    }

    String stderrTail() { return program == null ? "" : program.stderrTail(); }

    /** The configured limit that ended or crippled the program, as a clause, or "". */
    String limit() { return program == null ? "" : program.limit(); }

    /** Who the program ran as, or "" when none ran. */
    String runAs() { return program == null || program.pid() < 0 ? "" : program.runAs(); }

    /** A crash's evidence (core, backtrace to come), or null. */
    CrashCapture crash() { return program == null ? null : program.crash(); }

    /** Response body bytes relayed before the failure. */
    long bytesSent() { return program == null ? 0 : program.bodyBytes(); }
}
