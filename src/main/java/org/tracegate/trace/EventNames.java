package org.tracegate.trace;

/**
 * IIS's event names, once: {@link TraceEvent#name()} returns these, and the readers, writers and the
 * analyzer compare against them (they also read files IIS wrote, where only the name says what happened).
 */
public final class EventNames {
    public static final String GENERAL_REQUEST_START = "GENERAL_REQUEST_START";
    public static final String GENERAL_ENDPOINT_INFORMATION = "GENERAL_ENDPOINT_INFORMATION";
    public static final String GENERAL_REQUEST_HEADERS = "GENERAL_REQUEST_HEADERS";
    public static final String HANDLER_CHANGED = "HANDLER_CHANGED";
    public static final String CGI_LAUNCH = "CGI_LAUNCH";
    public static final String CGI_REQUEST_ENTITY_SENT = "CGI_REQUEST_ENTITY_SENT";
    /** Tracegate's: the request body (or its first part) kept for replay. */
    public static final String CGI_REQUEST_BODY = "CGI_REQUEST_BODY";
    public static final String CGI_HEADERS_RECEIVED = "CGI_HEADERS_RECEIVED";
    public static final String CGI_STDERR = "CGI_STDERR";
    public static final String CGI_TIMEOUT = "CGI_TIMEOUT";
    public static final String CGI_PREMATURE_TERMINATION = "CGI_PREMATURE_TERMINATION";
    public static final String CGI_INVALID_HEADERS = "CGI_INVALID_HEADERS";
    public static final String CGI_EXIT = "CGI_EXIT";
    public static final String CGI_RESPONSE_ABORTED = "CGI_RESPONSE_ABORTED";
    /** Ours: a crashed program's core and backtrace, after the request ended (IIS has nothing like it). */
    public static final String CGI_CRASH_DUMP = "CGI_CRASH_DUMP";
    public static final String FASTCGI_REQUEST_START = "FASTCGI_REQUEST_START";
    public static final String FASTCGI_ASSIGN_PROCESS = "FASTCGI_ASSIGN_PROCESS";
    public static final String FASTCGI_WAITING_FOR_RESPONSE = "FASTCGI_WAITING_FOR_RESPONSE";
    public static final String FASTCGI_RESPONSE_HEADERS = "FASTCGI_RESPONSE_HEADERS";
    public static final String FASTCGI_UNEXPECTED_EXIT = "FASTCGI_UNEXPECTED_EXIT";
    public static final String FASTCGI_END = "FASTCGI_END";
    public static final String FASTCGI_PROCESS_STARTED = "FASTCGI_PROCESS_STARTED";
    public static final String FASTCGI_PROCESS_RECYCLED = "FASTCGI_PROCESS_RECYCLED";
    public static final String FASTCGI_PROCESS_DIED = "FASTCGI_PROCESS_DIED";
    public static final String CGI_CRASH_LOOP_TRIPPED = "CGI_CRASH_LOOP_TRIPPED";
    public static final String CGI_CRASH_LOOP_RECOVERED = "CGI_CRASH_LOOP_RECOVERED";
    public static final String MODULE_SET_RESPONSE_ERROR_STATUS = "MODULE_SET_RESPONSE_ERROR_STATUS";
    public static final String GENERAL_READ_ENTITY_START = "GENERAL_READ_ENTITY_START";
    public static final String GENERAL_READ_ENTITY_END = "GENERAL_READ_ENTITY_END";
    public static final String GENERAL_RESPONSE_HEADERS = "GENERAL_RESPONSE_HEADERS";
    public static final String GENERAL_RESPONSE_ENTITY_BUFFER = "GENERAL_RESPONSE_ENTITY_BUFFER";
    public static final String GENERAL_REQUEST_END = "GENERAL_REQUEST_END";

    private EventNames() {}
}
