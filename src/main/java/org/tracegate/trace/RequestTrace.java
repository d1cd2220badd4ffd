package org.tracegate.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The events of one request, in order. Thread-safe: the gateway's pumps emit from their own threads.
 * Kept per request so failed-request rules can decide at the end whether to write them out. Bounded:
 * past {@link #MAX_EVENTS} events only warnings and worse are kept, and the rest are counted.
 */
public final class RequestTrace {
    public static final int MAX_EVENTS = 1000;

    private final RequestContext context;
    private final List<TraceRecord> records = new ArrayList<>(16);
    private final long startNanos = System.nanoTime();
    /** The wall clock once, at the start; events are stamped from the monotonic clock after it (in order, cheap). */
    private final long startMicros = wallMicros();
    private int dropped;

    public RequestTrace(RequestContext context) { this.context = context; }

    /** Evidence still being collected after the request (a crash's backtrace): trace files wait for it. */
    private final List<CompletableFuture<?>> pending = new ArrayList<>(0);

    /** The trace gains events when {@code f} completes; writers of whole traces wait for it (see {@link #evidence}). */
    public void awaitEvidence(CompletableFuture<?> f) {
        synchronized (pending) { pending.add(f); }
    }

    /** Completes when every piece of late evidence is in (at once when there is none). */
    public CompletableFuture<Void> evidence() {
        synchronized (pending) {
            if (pending.isEmpty()) return CompletableFuture.completedFuture(null);
            return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null);
        }
    }

    public RequestContext context() { return context; }

    public void emit(TraceEvent event) {
        TraceRecord r = new TraceRecord(startMicros + (System.nanoTime() - startNanos) / 1_000, context, event);
        synchronized (records) {
            if (records.size() < MAX_EVENTS || event.level().compareTo(Level.WARNING) <= 0) records.add(r);
            else dropped++;
        }
    }

    /** Events not kept because the buffer was full. */
    public int dropped() {
        synchronized (records) { return dropped; }
    }

    /** Time since the trace began, for time-taken rules. */
    public long elapsedMillis() { return (System.nanoTime() - startNanos) / 1_000_000; }

    /** As {@link #elapsedMillis()}, in nanoseconds (for duration histograms). */
    public long elapsedNanos() { return System.nanoTime() - startNanos; }

    /** The last event recorded, or null (the stage a request in flight is in). */
    public TraceEvent lastEvent() {
        synchronized (records) { return records.isEmpty() ? null : records.getLast().event(); }
    }

    /** The first event of {@code type}, or null. Scans in place, without copying, so sinks stay cheap. */
    public <T extends TraceEvent> T first(Class<T> type) {
        synchronized (records) {
            for (int i = 0; i < records.size(); i++) {
                if (type.isInstance(records.get(i).event())) return type.cast(records.get(i).event());
            }
            return null;
        }
    }

    /** The last event of {@code type}, or null; like {@link #first}. */
    public <T extends TraceEvent> T last(Class<T> type) {
        synchronized (records) {
            for (int i = records.size() - 1; i >= 0; i--) {
                if (type.isInstance(records.get(i).event())) return type.cast(records.get(i).event());
            }
            return null;
        }
    }

    /** Every event of {@code type} in order, or an empty list; scans in place and copies only what matches. */
    public <T extends TraceEvent> List<T> all(Class<T> type) {
        synchronized (records) {
            List<T> found = null;
            for (int i = 0; i < records.size(); i++) {
                TraceEvent e = records.get(i).event();
                if (!type.isInstance(e)) continue;
                if (found == null) found = new ArrayList<>(2);
                found.add(type.cast(e));
            }
            return found == null ? List.of() : found;
        }
    }

    public List<TraceRecord> records() {
        synchronized (records) { return List.copyOf(records); }
    }

    private static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
