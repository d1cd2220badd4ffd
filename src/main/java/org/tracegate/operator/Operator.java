package org.tracegate.operator;

import org.tracegate.failtrace.FailedRequestTracer;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.tracegate.admin.SessionControl;
import org.tracegate.config.ServerConfig;
import org.tracegate.metrics.FailedTraces;
import org.tracegate.metrics.FastCgiPoolView;
import org.tracegate.metrics.LiveRequests;
import org.tracegate.metrics.RecentRequests;
import org.tracegate.metrics.ServerMetrics;
import org.tracegate.metrics.Slots;
import org.tracegate.trace.ErrorLog;

/**
 * What the operator listener works with, gathered once by the server.
 *
 * @param token     the admin token (the same as in the log dir's admin.token)
 * @param sessions  trace-session control, or null
 * @param listeners the site's listener URLs (known once bound)
 * @param ender     ends the program of the request with this id; false when none runs for it
 * @param frebDir   the failed-request trace directory, or null when failed-request tracing is off
 * @param sessionsDir where trace sessions are written by default
 * @param errors    the server's error log (who ended which request)
 * @param fastcgi   every FastCGI application of every site, in configuration order
 */
public record Operator(String token, SessionControl sessions, ServerConfig config, ServerMetrics metrics,
                       LiveRequests live, RecentRequests recent, FailedTraces failed, Slots slots,
                       List<FastCgiPoolView> fastcgi, Instant started,
                       Supplier<List<String>> listeners, Predicate<String> ender, Path frebDir, Path sessionsDir,
                       ErrorLog errors, Supplier<FailedRequestTracer> rules) {}
