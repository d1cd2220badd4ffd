package org.tracegate.gateway.fastcgi;

import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one FastCGI request sends.
 *
 * @param params   the PARAMS, in order: octet strings (see {@link FastCgiParams})
 * @param body     the request body (exactly CONTENT_LENGTH bytes), streamed as STDIN; null for none
 * @param keepConn ask the server to keep the connection for another request (BEGIN_REQUEST's KEEP_CONN)
 */
public record ExchangeRequest(Map<String, String> params, InputStream body, boolean keepConn) {
    public ExchangeRequest {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
}
