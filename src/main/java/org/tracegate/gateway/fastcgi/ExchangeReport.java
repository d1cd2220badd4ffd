package org.tracegate.gateway.fastcgi;

/**
 * What one FastCGI request did, success included: the evidence behind error pages, logs and traces.
 *
 * @param address         the server
 * @param requestId       the FastCGI request id used
 * @param priorRequests   requests this connection carried before this one (0: a fresh connection)
 * @param end             how the request ended
 * @param bytesFromClient request body bytes read from the client (all of them, even those not sent on)
 * @param bytesToServer   request body bytes sent as STDIN
 * @param stdoutBytes     STDOUT bytes received, header block included
 * @param stderrBytes     STDERR bytes received
 * @param stderrTail      the last 8 KiB of STDERR, decoded leniently
 * @param connectionKept  whether the connection stayed open for another request
 * @param elapsedNanos    from BEGIN_REQUEST (for a request sent ahead: from when it became the connection's) to
 *                        the end of {@code finish}
 */
public record ExchangeReport(FastCgiAddress address, int requestId, int priorRequests, RequestEnd end,
                             long bytesFromClient, long bytesToServer, long stdoutBytes, long stderrBytes,
                             String stderrTail, boolean connectionKept, long elapsedNanos) {}
