package org.tracegate.metrics;

import java.util.Set;

/** OpenTelemetry's {@code http.request.method}: the RFC 9110 and RFC 5789 methods as they are, any other as "_OTHER". */
public final class HttpMethods {
    private static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");

    private HttpMethods() {}

    /** A bounded label value: a client can send any token as a method, and every new value would be a new series. */
    public static String label(String method) { return method != null && KNOWN.contains(method) ? method : "_OTHER"; }
}
