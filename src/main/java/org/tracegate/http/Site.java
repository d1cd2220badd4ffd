package org.tracegate.http;

import org.tracegate.accesslog.AccessLogWriter;
import org.tracegate.config.ServerConfig;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;

/**
 * What every request of the site shares: its configuration and where its records go.
 *
 * @param accessLog where every request is logged, or null for no access log
 */
record Site(ServerConfig config, ErrorLog errorLog, TraceSink traceSink, AccessLogWriter accessLog) {}
