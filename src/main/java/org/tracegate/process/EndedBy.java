package org.tracegate.process;

/** Who ended a program. Recorded before any kill, so an exit report can tell a crash from our own kill. */
public enum EndedBy {
    /** It exited, or died of a signal nobody here sent. */
    SELF,
    /** No complete header block within the header timeout. */
    HEADER_TIMEOUT,
    /** Nothing read from the program for the idle timeout after the headers. */
    IDLE_TIMEOUT,
    /** The program ran longer than the total timeout. */
    TOTAL_TIMEOUT,
    /** The program's response grew past its output limit. */
    OUTPUT_LIMIT,
    /** The client went away while the program was still running. */
    CLIENT_DISCONNECT,
    /** The gateway refused the program's output (invalid headers) and stopped it. */
    GATEWAY_REJECTED_OUTPUT,
    /** The program closed its stdout but did not exit within the linger time. */
    LINGER_TIMEOUT,
    /** The server was shutting down. */
    SHUTDOWN,
    /** The operator ended the request from the operator listener. */
    OPERATOR
}
