package org.tracegate.http;

import java.util.List;

/**
 * Everything an error page may show, detailed or not. The substatus never reaches the wire's status
 * line; it appears here, in logs and traces.
 *
 * @param status        HTTP status sent
 * @param subStatus     IIS-style substatus
 * @param title         the reason phrase, e.g. "Bad Gateway"
 * @param cause         one sentence in plain words
 * @param module        the module that set the error, e.g. "CgiModule"
 * @param handler       the handler, e.g. "CGI-exe", or "" when none was chosen
 * @param errorCode     exit status, signal name, errno name, or ""
 * @param requestedUrl  the URL as requested
 * @param physicalPath  the file the URL mapped to, or ""
 * @param headerBytes   the header bytes the program returned, or null when no program ran
 * @param stderrTail    the last bytes of the program's stderr, or ""
 * @param elapsedMillis time from request start
 * @param bytesReceived request body bytes read
 * @param bytesSent     response body bytes sent before the failure
 * @param requestId     the activity id
 * @param thingsToTry   advice for the operator
 */
public record Problem(int status, int subStatus, String title, String cause, String module, String handler,
                      String errorCode, String requestedUrl, String physicalPath, byte[] headerBytes,
                      String stderrTail, long elapsedMillis, long bytesReceived, long bytesSent, String requestId,
                      List<String> thingsToTry) {

    /** "502.2". */
    public String statusCode() { return status + "." + subStatus; }
}
