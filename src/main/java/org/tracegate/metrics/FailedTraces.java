package org.tracegate.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tracegate.trace.RequestTrace;

/**
 * The traces of the latest failed requests (5xx), kept in memory so the dashboard's "latest example" links open a
 * trace even when no failed-request rule wrote one to disk. Bounded: the newest {@link #MAX}.
 */
public final class FailedTraces {
    static final int MAX = 200;

    private final Map<String, RequestTrace> byId = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RequestTrace> eldest) { return size() > MAX; }
    };

    public synchronized void add(RequestTrace trace) { byId.put(trace.context().requestId(), trace); }

    public synchronized RequestTrace get(String requestId) { return byId.get(requestId); }
}
