package org.tracegate.config;

import java.util.Locale;

/** A failed-request rule's verbosity: the least severe level kept, in IIS's order (most severe first). */
public enum TraceVerbosity {
    CRITICAL_ERROR, ERROR, WARNING, INFORMATION, VERBOSE;

    /** "CriticalError", "critical_error", "Verbose"…; null when it is none of them. */
    public static TraceVerbosity parse(String s) {
        String key = s.replaceAll("[-_ ]", "").toLowerCase(Locale.ROOT);
        for (TraceVerbosity v : values()) {
            if (v.name().replace("_", "").toLowerCase(Locale.ROOT).equals(key)) return v;
        }
        return null;
    }
}
