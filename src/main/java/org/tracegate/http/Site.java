package org.tracegate.http;

import org.tracegate.accesslog.AccessLogWriter;
import org.tracegate.config.ServerConfig;
import org.tracegate.metrics.LiveRequests;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;

/**
 * What every request of the site shares: its configuration and where its records go.
 *
 * @param accessLog where every request is logged, or null for no access log
 * @param live      the requests in flight (the operator's view), or null without an operator listener
 */
record Site(ServerConfig config, ErrorLog errorLog, TraceSink traceSink, AccessLogWriter accessLog, LiveRequests live) {}
