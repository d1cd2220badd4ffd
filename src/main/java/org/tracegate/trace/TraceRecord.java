package org.tracegate.trace;

/** One event as it happened: when (microseconds since the epoch), for which request, what. */
public record TraceRecord(long epochMicros, RequestContext context, TraceEvent event) {}
