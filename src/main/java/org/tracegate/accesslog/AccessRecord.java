package org.tracegate.accesslog;

import java.time.Instant;
import java.util.Objects;

/**
 * One finished request, as the access logs see it. Strings may be null or empty when there is no
 * value; the writers print {@code -} for those.
 *
 * @param time when the request ended (the log's date and time columns, UTC)
 * @param uriStem the path as requested, not decoded
 * @param uriQuery the query without {@code '?'}; null or "" when none
 * @param username the authenticated user; null when none
 * @param protocol e.g. {@code HTTP/1.1}
 * @param win32Status the Linux errno of a failed launch or I/O (2 ENOENT, 13 EACCES, 32 EPIPE …), 0 otherwise
 * @param activityId the request's GUID, without braces
 * @param programExit {@code "0"}, {@code "3"}, {@code "SIGSEGV"}; null when no program ran
 */
public record AccessRecord(Instant time, String serverIp, int serverPort, String method, String uriStem,
        String uriQuery, String username, String clientIp, int clientPort, String userAgent, String referer,
        String protocol, int status, int subStatus, int win32Status, long bytesSent, long bytesReceived,
        long timeTakenMillis, String activityId, String programExit, String host) {

    public AccessRecord {
        Objects.requireNonNull(time, "time"); // every line starts with it
    }
}
