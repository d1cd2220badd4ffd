package org.tracegate.gateway.cgi;

import java.util.List;

/**
 * A parsed, validated CGI response header block (RFC 3875 §6).
 *
 * @param kind          which of the RFC's response types this is
 * @param status        the HTTP status to send: the Status header's, 302 for a client redirect, else 200
 * @param reason        the reason phrase from the Status header, or null
 * @param headers       the remaining headers in order (Status removed; hop-by-hop kept; the relay drops them)
 * @param location      the Location value, or null
 * @param contentLength the declared Content-Length, or -1
 */
public record ResponseHead(Kind kind, int status, String reason, List<Header> headers, String location,
                           long contentLength) {

    public enum Kind { DOCUMENT, LOCAL_REDIRECT, CLIENT_REDIRECT, CLIENT_REDIRECT_WITH_DOCUMENT }

    /** One header line, name as the program wrote it, value with surrounding whitespace trimmed. */
    public record Header(String name, String value) {}

    public ResponseHead {
        headers = List.copyOf(headers);
    }
}
