package org.tracegate.gateway.fastcgi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a server said about itself in GET_VALUES_RESULT (spec §4.1), as reported. A variable it did not
 * report, or reported as something other than a number, is unknown (empty); php-fpm 8.2 reports only
 * FCGI_MPXS_CONNS = 0.
 *
 * @param reported every pair of the answer, octet strings, in order
 */
public record ServerValues(Map<String, String> reported) {
    public static final String MAX_CONNS = "FCGI_MAX_CONNS";
    public static final String MAX_REQS = "FCGI_MAX_REQS";
    public static final String MPXS_CONNS = "FCGI_MPXS_CONNS";

    public ServerValues {
        reported = Collections.unmodifiableMap(new LinkedHashMap<>(reported));
    }

    /** Most concurrent connections the server accepts. */
    public OptionalInt maxConns() { return number(MAX_CONNS); }

    /** Most concurrent requests the server accepts. */
    public OptionalInt maxReqs() { return number(MAX_REQS); }

    /** Whether it multiplexes requests on one connection ("0" or "1"). */
    public Optional<Boolean> multiplexes() {
        String v = reported.get(MPXS_CONNS);
        return "0".equals(v) ? Optional.of(false) : "1".equals(v) ? Optional.of(true) : Optional.empty();
    }

    private OptionalInt number(String name) {
        String v = reported.get(name);
        if (v == null || v.isEmpty() || v.length() > 9) return OptionalInt.empty();
        for (int i = 0; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return OptionalInt.empty();
        return OptionalInt.of(Integer.parseInt(v));
    }
}
