package org.tracegate.gateway.cgi;

/** CGI meta-variable names: RFC 3875 §4.1 spelled as the RFC does, then the common extensions. */
public final class MetaVariables {
    private MetaVariables() {}

    // RFC 3875 §4.1.1 – §4.1.17
    public static final String AUTH_TYPE = "AUTH_TYPE";
    public static final String CONTENT_LENGTH = "CONTENT_LENGTH";
    public static final String CONTENT_TYPE = "CONTENT_TYPE";
    public static final String GATEWAY_INTERFACE = "GATEWAY_INTERFACE";
    public static final String PATH_INFO = "PATH_INFO";
    public static final String PATH_TRANSLATED = "PATH_TRANSLATED";
    public static final String QUERY_STRING = "QUERY_STRING";
    public static final String REMOTE_ADDR = "REMOTE_ADDR";
    public static final String REMOTE_HOST = "REMOTE_HOST";
    public static final String REMOTE_IDENT = "REMOTE_IDENT";
    public static final String REMOTE_USER = "REMOTE_USER";
    public static final String REQUEST_METHOD = "REQUEST_METHOD";
    public static final String SCRIPT_NAME = "SCRIPT_NAME";
    public static final String SERVER_NAME = "SERVER_NAME";
    public static final String SERVER_PORT = "SERVER_PORT";
    public static final String SERVER_PROTOCOL = "SERVER_PROTOCOL";
    public static final String SERVER_SOFTWARE = "SERVER_SOFTWARE";

    /** RFC 3875 §4.1.18: prefix of the protocol-specific variables made from request headers. */
    public static final String HTTP_PREFIX = "HTTP_";

    // Not in RFC 3875, but set by Apache/nginx and expected by common programs (php-cgi among them).
    public static final String REQUEST_URI = "REQUEST_URI";
    public static final String SCRIPT_FILENAME = "SCRIPT_FILENAME";
    public static final String DOCUMENT_ROOT = "DOCUMENT_ROOT";
    public static final String SERVER_ADDR = "SERVER_ADDR";
    public static final String REMOTE_PORT = "REMOTE_PORT";
    public static final String HTTPS = "HTTPS";
    public static final String REDIRECT_STATUS = "REDIRECT_STATUS";
}
