package org.tracegate.gateway.fastcgi;

import java.io.InputStream;
import java.util.Collections;
import java.util.Map;

/**
 * What one FastCGI request sends.
 *
 * @param params   the PARAMS, in order: octet strings (see {@link FastCgiParams}); kept as given (a view that cannot
 *                 change it), not copied: the caller hands over a map of its own
 * @param body     the request body (exactly CONTENT_LENGTH bytes), streamed as STDIN; null for none
 * @param keepConn ask the server to keep the connection for another request (BEGIN_REQUEST's KEEP_CONN)
 * @param stderrLogBytes STDERR bytes (of escaped lines) written to the error log for this request, then one line
 *                 saying how many more came: the mapping's {@code limits.stderrKiB}, as for a CGI program
 */
public record ExchangeRequest(Map<String, String> params, InputStream body, boolean keepConn, long stderrLogBytes) {
    /** The default of {@code limits.stderrKiB}, in bytes. */
    public static final long STDERR_LOG_BYTES = org.tracegate.config.ProgramLimits.defaults().stderrKiB() << 10;

    public ExchangeRequest {
        params = Collections.unmodifiableMap(params);
    }

    public ExchangeRequest(Map<String, String> params, InputStream body, boolean keepConn) {
        this(params, body, keepConn, STDERR_LOG_BYTES);
    }
}
