package org.tracegate.gateway.cgi;

/**
 * Why the gateway cut a program's output short. A closed set, so every place that judges a run must say
 * what each reason means.
 */
public enum Cutoff {
    /** No complete header block within the header timeout. */
    HEADER_TIMEOUT,
    /** The program sent nothing for the idle timeout after the body started. */
    IDLE_TIMEOUT,
    /** The client went away while the program was still running. */
    CLIENT_GONE,
    /** The program ran longer than the total timeout, output or not. */
    TOTAL_TIMEOUT,
    /** The program's response grew past its output limit. */
    OUTPUT_LIMIT,
    /** The operator ended the request (the dashboard's end button, `tracegate requests end`). */
    OPERATOR
}
