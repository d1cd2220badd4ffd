package org.tracegate.operator;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracegate.analysis.Diagnosis;
import org.tracegate.config.Version;
import org.tracegate.metrics.BadGatewayCause;
import org.tracegate.metrics.FastCgiPoolView;
import org.tracegate.metrics.LiveRequests;
import org.tracegate.metrics.RecentRequests;
import org.tracegate.trace.RequestTrace;

/**
 * The JSON API's documents, as plain maps in the order docs/operator.md lists their fields. Every document carries
 * {@code "apiVersion": 1}; the paths are under /api/v1/.
 */
final class Api {
    static final int VERSION = 1;
    private final Operator op;

    Api(Operator op) { this.op = op; }

    /** GET /api/v1/requests: in flight, oldest first, those older than {@code minAgeMillis}. */
    Map<String, Object> requests(long minAgeMillis, boolean showQuery) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LiveRequests.InFlight r : op.live().snapshot()) {
            if (r.ageMillis() < minAgeMillis) continue;
            rows.add(request(r, showQuery));
        }
        Map<String, Object> m = doc();
        m.put("requests", rows);
        return m;
    }

    static Map<String, Object> request(LiveRequests.InFlight r, boolean showQuery) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("verb", r.verb());
        m.put("url", Urls.redact(r.url(), showQuery));
        m.put("client", r.client());
        m.put("started", r.started().toString());
        m.put("ageMillis", r.ageMillis());
        m.put("stage", r.stage().name());
        m.put("lastEvent", r.lastEvent());
        m.put("pid", r.pid());
        m.put("bytesIn", r.bytesIn());
        m.put("bytesOut", r.bytesOut());
        return m;
    }

    /** GET /api/v1/summary. */
    Map<String, Object> summary() {
        Map<String, Object> m = doc();
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("version", Version.NUMBER);
        server.put("pid", ProcessHandle.current().pid());
        server.put("started", op.started().toString());
        server.put("uptimeSeconds", Duration.between(op.started(), Instant.now()).toSeconds());
        server.put("config", op.config().source() == null ? null : op.config().source().toString());
        server.put("configLoaded", op.started().toString());
        server.put("listeners", op.listeners().get());
        server.put("jvmUptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        m.put("server", server);
        int busy = op.slots().busy().getAsInt();
        m.put("slots", Map.of("capacity", op.slots().capacity(), "busy", busy, "free", op.slots().capacity() - busy));
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("length", op.slots().waiting().getAsInt());
        queue.put("capacity", op.config().limits().queueSize());
        queue.put("waitMeanMillis", op.metrics().queueWaitMeanMillis());
        queue.put("waitMaxMillis", op.metrics().queueWaitMaxMillis());
        m.put("queue", queue);
        m.put("fastcgi", fastcgi());
        m.put("inFlight", op.live().size());
        Map<String, Object> windows = new LinkedHashMap<>();
        for (Duration d : List.of(Duration.ofMinutes(5), RecentRequests.HOUR)) {
            RecentRequests.Window w = op.recent().window(d);
            Map<String, Object> wm = new LinkedHashMap<>();
            wm.put("requests", w.requests());
            wm.put("errors", w.errors());
            wm.put("requestsPerSecond", round(w.perSecond()));
            wm.put("errorRate", round(w.errorRate()));
            wm.put("p50Millis", round(w.p50Millis()));
            wm.put("p99Millis", round(w.p99Millis()));
            windows.put(d.toMinutes() + "m", wm);
        }
        m.put("windows", windows);
        m.put("crashLoopsTripped", (long) op.metrics().crashLoopTripCount());
        m.put("badGateways", badGateways());
        return m;
    }

    /** Every FastCGI application now, from Tracegate's own counters (it answers while every worker is busy). */
    List<Map<String, Object>> fastcgi() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FastCgiPoolView p : op.fastcgi()) {
            FastCgiPoolView.Now now = p.now().get();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("site", p.site());
            m.put("application", p.application());
            m.put("kind", p.managed() ? "managed" : "external");
            m.put("target", p.target());
            m.put("capacity", p.capacity());
            m.put("busy", now.busy());
            m.put("idle", now.idle());
            Map<String, Object> queue = new LinkedHashMap<>();
            queue.put("length", now.waiting());
            queue.put("capacity", p.queueCapacity());
            m.put("queue", queue);
            m.put("stoppedUntil", now.stoppedUntil() == null ? null : now.stoppedUntil().toString());
            m.put("lastFailure", now.lastFailure());
            out.add(m);
        }
        return out;
    }

    /** Every cause, with its count since the start and the latest example (null when none yet). */
    List<Map<String, Object>> badGateways() {
        Map<BadGatewayCause, Long> counts = op.recent().badGatewayCounts();
        List<Map<String, Object>> out = new ArrayList<>();
        for (BadGatewayCause c : BadGatewayCause.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cause", c.label());
            m.put("statusCode", c.statusCode());
            m.put("description", c.description());
            m.put("count", counts.getOrDefault(c, 0L));
            RecentRequests.Example e = op.recent().latest(c);
            if (e == null) {
                m.put("latest", null);
            } else {
                Map<String, Object> ex = new LinkedHashMap<>();
                ex.put("requestId", e.requestId());
                ex.put("url", Urls.redact(e.url(), false));
                ex.put("time", Instant.ofEpochMilli(e.endedMillis()).toString());
                ex.put("trace", "/trace/" + e.requestId());
                m.put("latest", ex);
            }
            out.add(m);
        }
        return out;
    }

    /** GET /api/v1/traces. */
    Map<String, Object> traces(TraceList.Filter filter, int limit) {
        Map<String, Object> m = doc();
        m.put("failedRequestTracing", op.frebDir() != null);
        m.put("freb", TraceList.freb(op.frebDir(), filter, limit));
        m.put("sessions", TraceList.sessions(op.sessionsDir()));
        return m;
    }

    /** GET /api/v1/trace/{id}: a recent failed request's diagnosis and events (in memory), or null. */
    Map<String, Object> trace(String id) {
        RequestTrace t = op.failed().get(id);
        if (t == null) t = op.live().trace(id);
        if (t == null) return null;
        Map<String, Object> m = doc();
        m.put("requestId", id);
        Diagnosis d = CauseLine.of(t);
        m.put("cause", d == null ? null : d.cause());
        m.put("causeKind", d == null ? null : d.causeKind());
        List<Map<String, Object>> events = new ArrayList<>();
        for (var r : t.records()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("timeMicros", r.epochMicros());
            e.put("name", r.event().name());
            e.put("level", r.event().level().iisName());
            e.put("fields", r.event().fields());
            events.add(e);
        }
        m.put("events", events);
        return m;
    }

    private static Map<String, Object> doc() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", VERSION);
        return m;
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }
}
