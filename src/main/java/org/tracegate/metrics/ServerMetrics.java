package org.tracegate.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.tracer.common.SpanContext;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.tracegate.config.ServerConfig;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceSink;

/**
 * The server's meters, fed from each finished request's trace (a {@link TraceSink}: the events say everything — verb,
 * URL, status and substatus, the program's exit, a crash-loop trip — so nothing on the request path counts by hand)
 * and from gauges read at scrape time. Names and labels follow OpenTelemetry's HTTP semantic conventions where they
 * have one; every label value comes from a closed or configured set. docs/operator.md lists them.
 */
public final class ServerMetrics implements TraceSink, AutoCloseable {
    /** OpenTelemetry's advised buckets for http.server.request.duration, and a tail for CGI's slow programs. */
    private static final Duration[] DURATION_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75,
            1, 2.5, 5, 7.5, 10, 15, 30, 60, 120);
    private static final Duration[] SHORT_BUCKETS = seconds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            0.25, 0.5, 1, 2.5, 5, 10, 30);

    /** The two exposition formats' content types (the registry picks its writer by them). */
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Exemplars only where OpenMetrics 1.0 allows them (histogram buckets, counters): Prometheus 2.x rejects a whole
     * scrape that has one on a histogram's _count line.
     */
    private static final PrometheusConfig CONFIG = new PrometheusConfig() {
        @Override
        public String get(String key) { return null; }

        @Override
        public java.util.Properties prometheusProperties() {
            java.util.Properties p = PrometheusConfig.super.prometheusProperties();
            p.setProperty("io.prometheus.exporter.exemplarsOnAllMetricTypes", "false");
            return p;
        }
    };

    private final PrometheusMeterRegistry registry;
    /** The request whose duration is being recorded, for the exemplar (only this thread, only during the record). */
    private final ThreadLocal<String> exemplarRequest = new ThreadLocal<>();
    private final Routes routes;
    private final LiveRequests live;
    private final RecentRequests recent;
    private final FailedTraces failed;
    private final Timer queueWait;
    private final Timer spawn;
    private final Counter crashLoopTrips;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    // The per-request meters, found once per label set: building and registering them on every request was 2–3 % of
    // the FastCGI hello's CPU. Every label value comes from a closed or configured set, so these stay small.
    private final Map<DurationKey, Timer> durations = new ConcurrentHashMap<>();
    private final Map<ResponseKey, Counter> responses = new ConcurrentHashMap<>();

    private record DurationKey(String method, String route, String status) {}

    private record ResponseKey(String status, int substatus) {}

    public ServerMetrics(ServerConfig config, LiveRequests live, RecentRequests recent, FailedTraces failed) {
        this.routes = new Routes(config);
        this.live = live;
        this.recent = recent;
        this.failed = failed;
        this.registry = new PrometheusMeterRegistry(CONFIG, new PrometheusRegistry(), Clock.SYSTEM, new RequestSpan());
        // process.cpu.time would be exposed as process_cpu_time_ns_total, which promtool rejects (an abbreviated unit);
        // process_cpu_usage and the JVM's own meters remain.
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        // system_cpu_count is a gauge with a "_count" suffix, which promtool rejects; so it is named for what it counts.
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus.logical") : id;
            }
        });
        Gauge.builder("http.server.active_requests", live, LiveRequests::size)
                .description("Requests being served now (site listeners).").baseUnit("{request}").register(registry);
        for (Stage s : Stage.values()) {
            Gauge.builder("tracegate.requests.in_flight", live, l -> l.byStage().get(s))
                    .description("Requests in flight by the IIS stage of their last event.")
                    .tag("stage", s.name()).register(registry);
        }
        for (BadGatewayCause c : BadGatewayCause.values()) badGateways(c); // every cause present, at 0
        crashLoopTrips = Counter.builder("tracegate.crash_loop.trips")
                .description("Programs that failed too often too fast and are resting (503.3 meanwhile).").register(registry);
        queueWait = Timer.builder("tracegate.queue.wait.duration")
                .description("Time a request waited for a CGI program slot (0 when one was free).")
                .serviceLevelObjectives(SHORT_BUCKETS).register(registry);
        spawn = Timer.builder("tracegate.program.spawn.duration")
                .description("Time to start a program (posix_spawn or the spawn helper), failed starts included.")
                .serviceLevelObjectives(SHORT_BUCKETS).register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** The CGI slots' gauges: busy and free slots, and the queue's length. */
    public void slots(Slots slots) {
        Gauge.builder("tracegate.cgi.slots", slots, s -> s.busy().getAsInt()).description("CGI program slots by state.")
                .tag("state", "busy").register(registry);
        Gauge.builder("tracegate.cgi.slots", slots, s -> s.capacity() - s.busy().getAsInt())
                .description("CGI program slots by state.").tag("state", "free").register(registry);
        Gauge.builder("tracegate.queue.length", slots, s -> s.waiting().getAsInt())
                .description("Requests waiting for a CGI program slot.").register(registry);
    }

    /**
     * A FastCGI application's gauges: a managed pool's processes or an external server's kept connections by state,
     * and the requests waiting for one.
     */
    public void pool(FastCgiPoolView pool) {
        String name = pool.managed() ? "tracegate.fastcgi.pool.processes" : "tracegate.fastcgi.pool.connections";
        String what = pool.managed() ? "Managed FastCGI processes by state." : "Kept connections to an external FastCGI server by state.";
        // The site too: two [[site]]s may map the same prefix, and one label set would keep only the first.
        String site = Integer.toString(pool.site());
        Gauge.builder(name, pool, p -> p.now().get().idle()).description(what)
                .tag("application", pool.application()).tag("site", site).tag("state", "idle").register(registry);
        Gauge.builder(name, pool, p -> p.now().get().busy()).description(what)
                .tag("application", pool.application()).tag("site", site).tag("state", "busy").register(registry);
        Gauge.builder("tracegate.fastcgi.queue.length", pool, p -> p.now().get().waiting())
                .description("Requests waiting for a FastCGI connection, process or lane.")
                .tag("application", pool.application()).tag("site", site).register(registry);
    }

    /** Records each admitted request's wait for a slot (the gate's observer). */
    public void queueWaited(long nanos) { queueWait.record(nanos, TimeUnit.NANOSECONDS); }

    /** The spawn timer, for {@link TimedLauncher}. */
    public Timer spawnTimer() { return spawn; }

    public double crashLoopTripCount() { return crashLoopTrips.count(); }

    /** Mean and maximum wait for a slot (the maximum decays over Micrometer's window of a few minutes). */
    public double queueWaitMeanMillis() { return Math.round(queueWait.mean(TimeUnit.MICROSECONDS)) / 1000.0; }

    public double queueWaitMaxMillis() { return Math.round(queueWait.max(TimeUnit.MICROSECONDS)) / 1000.0; }

    @Override
    public void requestEnded(RequestTrace trace) {
        TraceEvent.GeneralRequestStart start = trace.first(TraceEvent.GeneralRequestStart.class);
        TraceEvent.GeneralRequestEnd end = trace.last(TraceEvent.GeneralRequestEnd.class);
        if (start == null || end == null) return;
        long nanos = trace.elapsedNanos();
        String status = Integer.toString(end.httpStatus());
        exemplarRequest.set(trace.context().requestId());
        try {
            durations.computeIfAbsent(new DurationKey(HttpMethods.label(start.requestVerb()), routes.of(start.requestUrl()),
                    status), k -> Timer.builder("http.server.request.duration").description("Duration of HTTP server requests.")
                    .tag("http.request.method", k.method()).tag("http.route", k.route())
                    .tag("http.response.status_code", k.status())
                    .serviceLevelObjectives(DURATION_BUCKETS).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        } finally {
            exemplarRequest.remove();
        }
        responses.computeIfAbsent(new ResponseKey(status, end.httpSubStatus()), k -> Counter.builder("tracegate.responses")
                .description("Responses by status and IIS substatus.").tag("http.response.status_code", k.status())
                .tag("substatus", Integer.toString(k.substatus())).register(registry)).increment();
        BadGatewayCause cause = BadGatewayCause.of(trace);
        if (cause != null) badGateways(cause).increment();
        for (TraceEvent.CgiExit e : trace.all(TraceEvent.CgiExit.class)) {
            Counter.builder("tracegate.program.exits")
                    .description("Programs that ended, by the signal that ended them (none: they exited) and who ended them.")
                    .tag("signal", e.signal() == null || e.signal().isEmpty() ? "none" : e.signal())
                    .tag("ended_by", e.endedBy().toLowerCase(Locale.ROOT)).register(registry).increment();
        }
        int trips = trace.all(TraceEvent.CgiCrashLoopTripped.class).size();
        if (trips > 0) crashLoopTrips.increment(trips);
        TraceEvent.HandlerChanged handler = trace.last(TraceEvent.HandlerChanged.class);
        String script = handler != null && !handler.physicalPath().isEmpty() ? handler.physicalPath()
                : Routes.path(start.requestUrl());
        if (end.httpStatus() >= 500) failed.add(trace);
        recent.add(new RecentRequests.Done(System.currentTimeMillis(), nanos / 1000, end.httpStatus(),
                end.httpSubStatus(), script, trace.context().activityId(), cause), start.requestUrl());
    }

    private Counter badGateways(BadGatewayCause cause) {
        return Counter.builder("tracegate.bad_gateway.responses")
                .description("502 (and header-timeout 504) responses by cause.").tag("cause", cause.label())
                .register(registry);
    }

    /**
     * The exposition for a scraper's Accept header: OpenMetrics (with exemplars) when it asks for it, else the
     * Prometheus text format.
     */
    public Scrape scrape(String accept) {
        String type = accept != null && accept.contains("application/openmetrics-text")
                ? OPENMETRICS : PROMETHEUS_TEXT;
        return new Scrape(type, registry.scrape(type));
    }

    public record Scrape(String contentType, String body) {}

    /** The registry, for tests that read a meter. */
    public PrometheusMeterRegistry registry() { return registry; }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static Duration[] seconds(double... s) {
        Duration[] d = new Duration[s.length];
        for (int i = 0; i < s.length; i++) d[i] = Duration.ofNanos((long) (s[i] * 1e9));
        return d;
    }

    /** Exemplars: the "span" is the request, its id the trace id, while its duration is recorded. */
    private final class RequestSpan implements SpanContext {
        @Override
        public String getCurrentTraceId() { return exemplarRequest.get(); }

        @Override
        public String getCurrentSpanId() {
            String id = exemplarRequest.get();
            return id == null ? null : id.replace("-", "").substring(0, 16);
        }

        @Override
        public boolean isCurrentSpanSampled() { return exemplarRequest.get() != null; }

        @Override
        public void markCurrentSpanAsExemplar() {}
    }

    /** Every label value of {@code http.route} this server can produce (docs, tests). */
    public List<String> routes() { return routes.all(); }
}
