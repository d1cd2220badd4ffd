package org.tracegate.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of one request, in order. Thread-safe: the gateway's pumps emit from their own threads.
 * Kept per request so failed-request rules can decide at the end whether to write them out.
 */
public final class RequestTrace {
    private final RequestContext context;
    private final List<TraceRecord> records = new ArrayList<>(16);

    public RequestTrace(RequestContext context) { this.context = context; }

    public RequestContext context() { return context; }

    public void emit(TraceEvent event) {
        TraceRecord r = new TraceRecord(nowMicros(), context, event);
        synchronized (records) { records.add(r); }
    }

    public List<TraceRecord> records() {
        synchronized (records) { return List.copyOf(records); }
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
