package org.tracegate.gateway;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One request as a gateway sees it: protocol-neutral, already mapped to a script. The HTTP layer
 * builds it; CGI (and later FastCGI) turn it into meta-variables.
 *
 * @param method          request method as sent, e.g. "POST"
 * @param requestUri      the request target as sent on the wire (path and query, not decoded)
 * @param rawQuery        the query string without '?', not decoded; "" when there is none
 * @param scriptName      the decoded URL path naming the script, e.g. "/cgi-bin/env.sh"
 * @param pathInfo        the decoded rest of the path after the script, "" when none
 * @param scriptFile      the real path of the script file
 * @param documentRoot    the site's document root (used for PATH_TRANSLATED and DOCUMENT_ROOT)
 * @param protocol        the protocol as the client spoke it, e.g. "HTTP/1.1"
 * @param serverName      the host name the client addressed, without port
 * @param serverPort      the port the request arrived on
 * @param serverAddr      the local address, no brackets
 * @param remoteAddr      the client address, no brackets
 * @param remotePort      the client port
 * @param https           whether the connection is TLS
 * @param contentLength   the exact body length, or -1 when there is no body
 * @param contentType     the Content-Type header, or null
 * @param headers         every request header in arrival order, repeated ones as separate entries
 * @param passAuthorization whether HTTP_AUTHORIZATION may be passed (per mapping)
 */
public record GatewayRequest(
        String method,
        String requestUri,
        String rawQuery,
        String scriptName,
        String pathInfo,
        Path scriptFile,
        Path documentRoot,
        String protocol,
        String serverName,
        int serverPort,
        String serverAddr,
        String remoteAddr,
        int remotePort,
        boolean https,
        long contentLength,
        String contentType,
        List<Map.Entry<String, String>> headers,
        boolean passAuthorization) {

    public GatewayRequest {
        headers = List.copyOf(headers);
    }

    public boolean hasBody() { return contentLength >= 0; }
}
