package org.tracegate.failtrace;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.tracegate.config.FailedRequestTracing;
import org.tracegate.config.ServerConfig;
import org.tracegate.config.TraceRule;
import org.tracegate.failtrace.FailedRequest.FailureReason;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceEvent.GeneralRequestEnd;
import org.tracegate.trace.TraceEvent.GeneralRequestStart;
import org.tracegate.trace.TraceEvent.ModuleSetResponseErrorStatus;
import org.tracegate.trace.TraceRecord;
import org.tracegate.trace.TraceSink;

/**
 * IIS's Failed Request Event Buffering: writes a request's trace to {@code <directory>/W3SVC<site>/frNNNNNN.xml}
 * (+ .htm) when a rule fires.
 *
 * <p>At the end of a request the rules are tried in order: the first whose path matches and whose status
 * codes include the final status.substatus writes a STATUS_CODE file; failing that, the first whose path
 * matches and whose timeTaken was exceeded writes a TIME_TAKEN file. A request still running past a
 * timeTaken limit is written the moment a check (every {@code checkInterval}) sees it, as IIS does; it then
 * gets no second TIME_TAKEN file, but if it later ends with a matching status it gets a complete
 * STATUS_CODE file too, since the first one stopped mid-request.
 *
 * <p>Request threads only match and enqueue: when nothing matches no allocation is made, and files are
 * rendered and written by one writer thread from a bounded queue; when that is full the file is dropped
 * and counted ({@link #dropped()}) rather than the request held up.
 */
public final class FailedRequestTracer implements TraceSink, AutoCloseable {
    private static final Job STOP = new Job(null, null, null, null, 0);

    private final FailedRequestTracing config;
    private final Path directory;
    /** Replaced whole at runtime ({@link #replaceRules}): a request sees one set of rules or the other. */
    private volatile CompiledRule[] rules;
    private volatile boolean timeRules;
    private final long processId = ProcessHandle.current().pid();
    private final Map<RequestTrace, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Map<Integer, TraceDirectory> sites = new ConcurrentHashMap<>();
    private final BlockingQueue<Job> queue;
    private final Thread writer;
    private Thread monitor; // started with the first time-taken rule; guarded by this
    private final Duration checkInterval;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Files waiting for late evidence (a crash's backtrace) before they are queued. */
    private final AtomicLong waiting = new AtomicLong();
    /** The longest a file waits for late evidence: gdb's bound and the core's move, with room. */
    private static final Duration EVIDENCE_WAIT = Duration.ofSeconds(60);
    private final ErrorLog errors;
    private volatile String computer;
    private volatile boolean closed;

    /** A request being watched for a time rule; {@code fired} once its TIME_TAKEN file is queued. */
    private record InFlight(CompiledRule rule, AtomicBoolean fired) {}

    /** One file to write; {@code snapshot} null means "the trace as it is when written". */
    private record Job(RequestTrace trace, List<TraceRecord> snapshot, CompiledRule rule, FailureReason reason,
                       long timeTakenMillis) {}

    /** As {@link #FailedRequestTracer(FailedRequestTracing, Path, ErrorLog)}, reporting to standard error. */
    public FailedRequestTracer(FailedRequestTracing config, Path directory) {
        this(config, directory, ErrorLog.standardError());
    }

    /**
     * @param config    the rules and limits; {@code config.directory()} is ignored in favour of {@code directory}
     * @param directory where the W3SVC&lt;site&gt; directories go (see {@link ServerConfig#failedRequestTraceDirectory()})
     * @param errors    where a file that cannot be written is reported, with its request's id (the server's error log)
     */
    public FailedRequestTracer(FailedRequestTracing config, Path directory, ErrorLog errors) {
        this(config, directory, Duration.ofMillis(250), 1024, errors);
    }

    /**
     * @param checkInterval how often running requests are checked against timeTaken rules
     * @param queueCapacity files waiting for the writer before further ones are dropped
     */
    public FailedRequestTracer(FailedRequestTracing config, Path directory, Duration checkInterval, int queueCapacity,
                               ErrorLog errors) {
        this.config = config;
        this.errors = errors;
        this.directory = directory.toAbsolutePath().normalize();
        this.checkInterval = checkInterval;
        List<CompiledRule> compiled = new ArrayList<>();
        for (TraceRule r : config.enabled() ? config.rules() : List.<TraceRule>of()) compiled.add(new CompiledRule(r));
        this.rules = compiled.toArray(CompiledRule[]::new);
        this.timeRules = compiled.stream().anyMatch(r -> r.timeTakenMillis >= 0);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = Thread.ofPlatform().daemon().name("tracegate-freb-writer").start(this::drain);
        if (timeRules) startMonitor();
    }

    private synchronized void startMonitor() {
        if (monitor == null && !closed) monitor = Thread.ofPlatform().daemon().name("tracegate-freb-timer").start(this::watch);
    }

    /** The rules in force, in order (after {@link #replaceRules}, the new ones). */
    public List<TraceRule> rules() {
        List<TraceRule> out = new ArrayList<>();
        for (CompiledRule r : rules) out.add(r.rule);
        return out;
    }

    /**
     * Puts {@code newRules} in force now, without a restart (IIS's FREB needs a config edit): requests that end from
     * now on are judged by them. An empty list turns tracing off. Not written back to the config file.
     */
    public void replaceRules(List<TraceRule> newRules) {
        CompiledRule[] compiled = newRules.stream().map(CompiledRule::new).toArray(CompiledRule[]::new);
        boolean time = java.util.Arrays.stream(compiled).anyMatch(r -> r.timeTakenMillis >= 0);
        rules = compiled;
        timeRules = time;
        if (time) startMonitor();
    }

    /**
     * The tracer {@code config} asks for, one whose rules the operator can change at runtime: with no rules when
     * failed-request tracing is off, so rules can be added later.
     */
    public static FailedRequestTracer editable(ServerConfig config, ErrorLog errors) {
        return new FailedRequestTracer(config.failedRequestTracing(), config.failedRequestTraceDirectory(), errors);
    }

    public Path directory() { return directory; }

    /** Files not written because the writer's queue was full. */
    public long dropped() { return dropped.get(); }

    /** Files that could not be written (I/O errors, reported to the error log). */
    public long failed() { return failed.get(); }

    @Override
    public void requestStarted(RequestTrace trace) {
        if (!timeRules || closed) return;
        GeneralRequestStart start = trace.first(GeneralRequestStart.class);
        if (start == null) return;
        for (CompiledRule r : rules) {
            if (r.timeTakenMillis >= 0 && r.pathMatches(start.requestUrl())) {
                inFlight.put(trace, new InFlight(r, new AtomicBoolean()));
                return;
            }
        }
    }

    @Override
    public void requestEnded(RequestTrace trace) {
        InFlight watched = timeRules ? inFlight.remove(trace) : null;
        if (rules.length == 0 || closed) return;
        GeneralRequestStart start = trace.first(GeneralRequestStart.class);
        GeneralRequestEnd end = trace.last(GeneralRequestEnd.class);
        if (start == null || end == null) return;
        String url = start.requestUrl();
        for (CompiledRule r : rules) {
            if (r.pathMatches(url) && r.statusMatches(end.httpStatus(), end.httpSubStatus())) {
                whenComplete(trace, new Job(trace, null, r, FailureReason.STATUS_CODE, trace.elapsedMillis()));
                return;
            }
        }
        long elapsed = trace.elapsedMillis();
        for (CompiledRule r : rules) {
            if (r.pathMatches(url) && r.timeMatches(elapsed)) {
                if (watched == null || watched.fired().compareAndSet(false, true)) {
                    whenComplete(trace, new Job(trace, null, r, FailureReason.TIME_TAKEN, elapsed));
                }
                return;
            }
        }
    }

    /** Checks running requests against their time rule. */
    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(checkInterval);
            } catch (InterruptedException e) {
                return;
            }
            for (Map.Entry<RequestTrace, InFlight> e : inFlight.entrySet()) {
                RequestTrace trace = e.getKey();
                InFlight f = e.getValue();
                long elapsed = trace.elapsedMillis();
                if (f.rule().timeMatches(elapsed) && f.fired().compareAndSet(false, true)) {
                    submit(new Job(trace, trace.records(), f.rule(), FailureReason.TIME_TAKEN, elapsed));
                }
            }
        }
    }

    /** Queues the file once the trace's late evidence is in, so the file holds it (bounded by EVIDENCE_WAIT). */
    private void whenComplete(RequestTrace trace, Job job) {
        var evidence = trace.evidence();
        if (evidence.isDone()) {
            submit(job);
            return;
        }
        waiting.incrementAndGet();
        evidence.orTimeout(EVIDENCE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            submit(job);
            waiting.decrementAndGet();
        });
    }

    private void submit(Job job) {
        if (queue.offer(job)) submitted.incrementAndGet();
        else dropped.incrementAndGet();
    }

    private void drain() {
        while (true) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (job == STOP) return;
            try {
                write(job);
            } catch (IOException | RuntimeException e) {
                failed.incrementAndGet();
                errors.log(job.trace().context().requestId(), "failed-request trace not written: " + e);
            } finally {
                finished.incrementAndGet();
            }
        }
    }

    private void write(Job job) throws IOException {
        FailedRequest fr = failedRequest(job);
        TraceDirectory site = sites.get(fr.siteId());
        if (site == null) {
            site = new TraceDirectory(directory.resolve("W3SVC" + fr.siteId()), config.maxLogFiles());
            sites.put(fr.siteId(), site);
        }
        site.write(fr, computer(), config.maxLogFileSizeKB() * 1024L);
    }

    private FailedRequest failedRequest(Job job) {
        List<TraceRecord> records = job.snapshot() != null ? job.snapshot() : job.trace().records();
        GeneralRequestStart start = null;
        GeneralRequestEnd end = null;
        ModuleSetResponseErrorStatus error = null;
        List<FrebEvent> events = new ArrayList<>(records.size());
        for (TraceRecord r : records) {
            TraceEvent e = r.event();
            if (e instanceof GeneralRequestStart s && start == null) start = s;
            if (e instanceof GeneralRequestEnd x) end = x;
            if (e instanceof ModuleSetResponseErrorStatus m) error = m;
            if (job.rule().keeps(e)) events.add(FrebEvent.of(r));
        }
        // A request still running has only the status set so far: IIS's default of 200 until something fails.
        int status = end != null ? end.httpStatus() : error != null ? error.httpStatus() : 200;
        int sub = end != null ? end.httpSubStatus() : error != null ? error.httpSubStatus() : 0;
        var ctx = job.trace().context();
        long startMicros = records.isEmpty() ? 0 : records.getFirst().epochMicros();
        return new FailedRequest(start == null ? "" : start.requestUrl(), ctx.siteId(), ctx.appPoolId(), processId,
                start == null ? "" : start.requestVerb(), ctx.contextId().toUpperCase(java.util.Locale.ROOT),
                job.reason(), status, sub, status, sub, job.timeTakenMillis(), startMicros, events,
                job.trace().dropped());
    }

    private String computer() {
        if (computer == null) {
            String name;
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = System.getenv().getOrDefault("HOSTNAME", "localhost");
            }
            computer = name;
        }
        return computer;
    }

    /** Waits until every queued file has been written; for tests and orderly shutdown. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (waiting.get() > 0 || finished.get() < submitted.get()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    /** Stops watching, writes what is queued, stops the writer. */
    @Override
    public void close() {
        closed = true;
        Thread m;
        synchronized (this) {
            m = monitor;
        }
        if (m != null) m.interrupt();
        try {
            queue.put(STOP);
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
