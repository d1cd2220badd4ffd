package org.tracegate.config;

/** IIS's httpErrors errorMode: who sees the detailed error page. */
public enum ErrorMode {
    /** Everyone gets the detailed page. */
    DETAILED,
    /** Loopback callers get the detailed page, others the generic one (default). */
    DETAILED_LOCAL_ONLY,
    /** Everyone gets the generic page. */
    CUSTOM
}
