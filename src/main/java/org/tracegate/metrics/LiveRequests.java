package org.tracegate.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * The requests in flight (IIS's "current requests"): each one's trace from its start to its end, read when asked, so
 * the stage and pid are those of its last events and nothing is copied per event. The byte counts come from the
 * HTTP side, which alone knows them while the request runs.
 */
public final class LiveRequests {
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();

    private record Entry(RequestTrace trace, Instant started, LongSupplier bytesIn, LongSupplier bytesOut) {}

    /**
     * One request in flight, as the API and the dashboard show it.
     *
     * @param url        as requested (the caller redacts the query)
     * @param pid        the program's (CGI) or the FastCGI process's pid, or -1 before it has one
     * @param lastEvent  the IIS name of its last event
     */
    public record InFlight(String id, String verb, String url, String client, Instant started, long ageMillis,
                           Stage stage, String lastEvent, long pid, long bytesIn, long bytesOut) {}

    public void started(RequestTrace trace, LongSupplier bytesIn, LongSupplier bytesOut) {
        byId.put(trace.context().requestId(), new Entry(trace, Instant.now(), bytesIn, bytesOut));
    }

    public void ended(RequestTrace trace) { byId.remove(trace.context().requestId()); }

    public int size() { return byId.size(); }

    /** The trace of the request in flight with this id, or null. */
    public RequestTrace trace(String id) {
        Entry e = byId.get(id);
        return e == null ? null : e.trace();
    }

    /** Every request in flight, oldest first. */
    public List<InFlight> snapshot() {
        List<InFlight> out = new ArrayList<>(byId.size());
        for (Entry e : byId.values()) out.add(view(e));
        out.sort(Comparator.comparing(InFlight::started).thenComparing(InFlight::id));
        return out;
    }

    /** How many are in each stage (every stage present, zeros too). */
    public Map<Stage, Integer> byStage() {
        Map<Stage, Integer> m = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) m.put(s, 0);
        for (Entry e : byId.values()) m.merge(Stage.after(e.trace().lastEvent()), 1, Integer::sum);
        return m;
    }

    private static InFlight view(Entry e) {
        RequestTrace t = e.trace();
        TraceEvent.GeneralRequestStart start = t.first(TraceEvent.GeneralRequestStart.class);
        TraceEvent.GeneralEndpointInformation ends = t.first(TraceEvent.GeneralEndpointInformation.class);
        TraceEvent last = t.lastEvent();
        return new InFlight(t.context().requestId(), start == null ? "" : start.requestVerb(),
                start == null ? "" : start.requestUrl(), ends == null ? "" : ends.remoteAddress(), e.started(),
                t.elapsedMillis(), Stage.after(last), last == null ? "" : last.name(), pid(t),
                safe(e.bytesIn()), safe(e.bytesOut()));
    }

    static long pid(RequestTrace t) {
        TraceEvent.CgiLaunch launch = t.last(TraceEvent.CgiLaunch.class);
        if (launch != null) return launch.processId();
        TraceEvent.FastCgiAssignProcess assigned = t.last(TraceEvent.FastCgiAssignProcess.class);
        return assigned == null ? -1 : assigned.processId();
    }

    /** A byte count read from another thread's request: a request ending meanwhile must not break the listing. */
    private static long safe(LongSupplier s) {
        try {
            return s.getAsLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
