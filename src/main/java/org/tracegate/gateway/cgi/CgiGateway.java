package org.tracegate.gateway.cgi;

import org.tracegate.text.ByteQuote;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.Limits;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.ProgramPolicy;
import org.tracegate.crash.CoreFacts;
import org.tracegate.crash.CrashCapture;
import org.tracegate.crash.CrashDumps;
import org.tracegate.process.ChildProcess;
import org.tracegate.process.Credentials;
import org.tracegate.process.EndedBy;
import org.tracegate.process.ExitStatus;
import org.tracegate.process.LaunchException;
import org.tracegate.process.LaunchSpec;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * The host side of CGI/1.1 (RFC 3875), one flow per request: environment → start → stdin and stderr pumps →
 * read the head ({@link HeadReader}) → relay the body ({@link BodyRelay}) → the single close path → the
 * outcome. The outcome is judged only after the program has been reaped, from plain facts: what the relay
 * reported, the {@link Cutoff} that ended it, the exit status and who ended the process. Protocol-neutral:
 * the HTTP layer supplies the body stream and a {@link ResponseSink}.
 */
public final class CgiGateway {
    /**
     * Pipe pumps run on pooled platform threads, not virtual ones: a blocking read of a pipe pins its
     * carrier and (measured on JDK 25) the scheduler does not compensate, so two silent programs were
     * enough to stall every virtual thread, the JDK's own socket pollers included.
     */
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("cgi-pump-", 0).factory());
    /** What CGI_LAUNCH's Environment holds instead of a credential. */
    public static final String HIDDEN = "(hidden)";
    /** Recorded (never sent) when the client left before any response: nginx's convention. */
    public static final int CLIENT_CLOSED = 499;
    /** How much of a response body the trace keeps (GENERAL_RESPONSE_ENTITY_BUFFER). */
    public static final int ENTITY_BUFFER_BYTES = BodyRelay.ENTITY_BUFFER_BYTES;

    private final ProcessLauncher launcher;
    private final Watchdog watchdog;
    private final ErrorLog errorLog;
    private final Limits limits;
    private final EnvironmentPolicy environmentPolicy;
    private final Map<String, String> serverEnvironment;
    private final ResponseHeadParser.Limits headerLimits;
    private final int recordBodyBytes;
    /** "uid:gid" of the server itself, for CGI_LAUNCH's RunAs when a program runs as the server (read once). */
    private final String serverIds;
    private final Set<ChildProcess> running = ConcurrentHashMap.newKeySet();
    /** Keeps crashed programs' cores and reads their backtraces, or null when off. */
    private final CrashDumps crashDumps;
    /** The runs in progress by request id, for the operator's end button. */
    private final Map<String, Run> runs = new ConcurrentHashMap<>();

    public CgiGateway(ProcessLauncher launcher, Watchdog watchdog, ErrorLog errorLog, Limits limits,
                      EnvironmentPolicy environmentPolicy, Map<String, String> serverEnvironment) {
        this(launcher, watchdog, errorLog, limits, environmentPolicy, serverEnvironment, 0, null);
    }

    public CgiGateway(ProcessLauncher launcher, Watchdog watchdog, ErrorLog errorLog, Limits limits,
                      EnvironmentPolicy environmentPolicy, Map<String, String> serverEnvironment, int recordBodyBytes) {
        this(launcher, watchdog, errorLog, limits, environmentPolicy, serverEnvironment, recordBodyBytes, null);
    }

    /**
     * @param recordBodyBytes how much of each request body the trace keeps for replay (CGI_REQUEST_BODY); 0 for none.
     *                        The server sets it from {@code [failedRequestTracing] maxBodyKiB} when failed-request
     *                        tracing is on: it costs a copy of that much of every body, so only then.
     * @param crashDumps      keeps crashed programs' cores and backtraces, or null
     */
    public CgiGateway(ProcessLauncher launcher, Watchdog watchdog, ErrorLog errorLog, Limits limits,
                      EnvironmentPolicy environmentPolicy, Map<String, String> serverEnvironment, int recordBodyBytes,
                      CrashDumps crashDumps) {
        this.crashDumps = crashDumps;
        this.recordBodyBytes = recordBodyBytes;
        Credentials self = Credentials.ofServer();
        this.serverIds = self.uid() + ":" + self.gid();
        this.launcher = launcher;
        this.watchdog = watchdog;
        this.errorLog = errorLog;
        this.limits = limits;
        this.environmentPolicy = environmentPolicy;
        this.serverEnvironment = Map.copyOf(serverEnvironment);
        this.headerLimits = new ResponseHeadParser.Limits(limits.headerLineBytes(), limits.headerLines(),
                limits.headerBlockBytes());
    }

    /** Ends every running program's process group (server shutdown after the grace period). */
    public void shutdown(Duration killGrace) {
        for (ChildProcess c : running) c.terminate(EndedBy.SHUTDOWN, killGrace);
    }

    /**
     * Ends the program of the request with this id (the operator asked): its process group is stopped, as a deadline
     * would stop it, and the request is answered 502.7 while no header was relayed yet, else cut off.
     *
     * @return false when no program of that request is running now
     */
    public boolean end(String requestId) {
        Run run = runs.get(requestId);
        if (run == null) return false;
        run.deadlines.cut(Cutoff.OPERATOR);
        return true;
    }

    /**
     * Runs one program for one request.
     *
     * @param argv   the fixed argv: [program] or [interpreter..., script]
     * @param policy as whom and with which limits it runs
     * @param body  the request body (exactly {@code request.contentLength()} bytes) or null
     * @param sink  where the response goes
     * @param trace the request's trace
     */
    public CgiOutcome serve(GatewayRequest request, List<String> argv, ProgramPolicy policy, InputStream body,
                            ResponseSink sink, RequestTrace trace) {
        Map<String, String> env = CgiEnvironment.build(request, policy.environment(), serverEnvironment);
        return new Run(request, argv, env, request.scriptFile().getParent(), policy, body, sink, trace).execute();
    }

    /**
     * Runs one program with an environment and working directory given whole rather than built from
     * {@code request}: a recorded request run again offline ({@code tracegate replay}), where the recorded
     * meta-variables are the truth. {@code request} still says the method (HEAD has no body) and the script (NPH).
     */
    public CgiOutcome serve(GatewayRequest request, List<String> argv, Map<String, String> environment,
                            Path workingDirectory, ProgramPolicy policy, InputStream body, ResponseSink sink,
                            RequestTrace trace) {
        return new Run(request, argv, environment, workingDirectory, policy, body, sink, trace).execute();
    }

    /** What the stdout side reported, as plain facts; judged once the program has been reaped. */
    private sealed interface Stdout {
        /** The head broke a rule; {@code quoted} is the offending line as logged. */
        record Rejected(InvalidResponseHeadException error, String quoted) implements Stdout {}

        /** The output ended before the head was complete; {@code cutoff} (or null) is why, if we caused it. */
        record NoHead(Cutoff cutoff) implements Stdout {}

        record Redirect(String location) implements Stdout {}

        /** A head was accepted and its body relayed; {@code raw} for NPH. */
        record Body(int status, RelayEnd end, boolean raw) implements Stdout {}

        /** A bug of ours; where it broke is unknown. */
        record Crashed(RuntimeException error) implements Stdout {}
    }

    /** One program run: all per-request state in one place, like lighttpd's handler_ctx. */
    private final class Run {
        private final GatewayRequest request;
        private final ProgramPolicy policy;
        private final LaunchSpec spec;
        /** The environment in its built order (the spec's map is unordered): CGI_LAUNCH records it so. */
        private final Map<String, String> environment;
        private final InputStream body;
        private final ResponseSink sink;
        private final RequestTrace trace;
        private final String requestId;
        private final boolean nph;
        private long startNanos;
        private long startedMillis;
        private ChildProcess child;
        /** Known after {@link #close}: the crash's evidence, or null. */
        private CrashCapture crash;
        /** " (pid N, script S)": ends the log lines about this program. */
        private String where;
        private Deadlines deadlines;
        private StdinPump stdin;
        private StderrPump stderr;
        private Future<?> stdinDone;
        private Future<?> stderrDone;
        private byte[] headerBytes = new byte[0];
        /** Added to by the watchdog's cut (another thread) and by close(). */
        private final java.util.concurrent.atomic.AtomicInteger escapedEnded = new java.util.concurrent.atomic.AtomicInteger();
        /** Held while {@link #stop} signals and counts, so close() reads the count only after it. */
        private final Object stopping = new Object();
        /** The configured limit that fired, or null; known after {@link #close}. */
        private LimitDiagnosis.Hit limitHit;

        Run(GatewayRequest request, List<String> argv, Map<String, String> env, Path cwd, ProgramPolicy policy,
            InputStream body, ResponseSink sink, RequestTrace trace) {
            this.request = request;
            this.policy = policy;
            this.body = body;
            this.sink = sink;
            this.trace = trace;
            this.requestId = trace.context().requestId();
            this.environment = env;
            this.spec = new LaunchSpec(argv, env, cwd).withCredentials(policy.runAs()).withLimits(policy.rlimits());
            this.nph = request.scriptFile().getFileName().toString().startsWith("nph-");
        }

        CgiOutcome execute() {
            startNanos = System.nanoTime();
            startedMillis = System.currentTimeMillis();
            try {
                child = launcher.launch(spec);
            } catch (LaunchException e) {
                return launchFailed(e);
            }
            running.add(child);
            trace.emit(launchEvent("0", child.pid()));
            where = " (pid " + child.pid() + ", script " + request.scriptFile() + ")";
            deadlines = new Deadlines(watchdog, limits.totalTimeout(), limits.headerTimeout(), limits.idleTimeout(),
                    policy.limits().outputMiB() << 20, why -> stop(endedBy(why)));
            sink.onClientGone(() -> deadlines.cut(Cutoff.CLIENT_GONE));
            stdin = new StdinPump(body, child.stdin(), trace, this::log, recordBodyBytes);
            stderr = new StderrPump(child.stderr(), where, trace, this::log, policy.limits().stderrKiB() << 10);
            stdinDone = PUMPS.submit(stdin);
            stderrDone = PUMPS.submit(stderr);
            runs.put(requestId, this);
            Stdout stdout;
            ExitStatus exit;
            try {
                stdout = relayStdout();
                exit = close();
            } finally {
                runs.remove(requestId, this);
            }
            return outcome(stdout, exit);
        }

        private CgiOutcome launchFailed(LaunchException e) {
            trace.emit(launchEvent(e.errnoName(), -1));
            log("cgi: cannot start: " + e.getMessage() + " (script " + request.scriptFile() + ")");
            long drained = StdinPump.drain(body); // so the client's connection stays usable
            return new CgiOutcome.Failed(new GatewayFailure.LaunchFailed(e.errnoName(), e.errno(), e.getMessage()),
                    new ProgramReport(-1, spec.commandLine(), null, EndedBy.SELF, drained, 0, headerBytes, 0, "",
                            System.nanoTime() - startNanos, "", policy.runAsText()));
        }

        /**
         * CGI_LAUNCH with what a replay needs; an Authorization header passed to the program is recorded as
         * "(hidden)", as GENERAL_REQUEST_HEADERS hides it.
         */
        private TraceEvent.CgiLaunch launchEvent(String errorCode, long pid) {
            Map<String, String> env = environment;
            if (env.containsKey("HTTP_AUTHORIZATION")) {
                env = new java.util.LinkedHashMap<>(env);
                env.put("HTTP_AUTHORIZATION", HIDDEN);
            }
            Credentials c = spec.credentials();
            return new TraceEvent.CgiLaunch(spec.commandLine(), errorCode, pid,
                    spec.workingDirectory() == null ? null : spec.workingDirectory().toString(),
                    c == null ? serverIds : c.uid() + ":" + c.gid(), env);
        }

        /** Head, then body, through one pooled buffer; returned to the pool unless the sink may still read it. */
        private Stdout relayStdout() {
            ReadableByteChannel out = Channels.newChannel(child.stdout()); // a FileChannel for a native child
            ByteBuffer buf = RelayBuffers.take();
            boolean reusable = false;
            try {
                Stdout stdout = nph ? nph(out, buf) : cgi(out, buf);
                reusable = !(stdout instanceof Stdout.Body b && b.end() instanceof RelayEnd.ClientLeft);
                return stdout;
            } catch (RuntimeException e) {
                child.terminate(EndedBy.GATEWAY_REJECTED_OUTPUT, limits.killGrace());
                return new Stdout.Crashed(e); // the buffer may still be in a write: dropped
            } finally {
                if (reusable) RelayBuffers.give(buf);
            }
        }

        private Stdout cgi(ReadableByteChannel out, ByteBuffer buf) {
            HeadRead<ResponseHead> read = HeadReader.read(out, buf, headerLimits, deadlines);
            headerBytes = read.headerBytes();
            return switch (read) {
                case HeadRead.Invalid<ResponseHead> i -> rejected(i.error(),
                        "cgi: invalid header block: line " + i.error().lineNumber() + ": " + i.error().reason() + ": ");
                case HeadRead.Ended<ResponseHead> e -> ended();
                case HeadRead.Complete<ResponseHead> c -> {
                    trace.emit(new TraceEvent.CgiHeadersReceived(latin1(headerBytes)));
                    ResponseHead head = c.head();
                    if (head.kind() == ResponseHead.Kind.LOCAL_REDIRECT) yield new Stdout.Redirect(head.location());
                    yield relayed(head.status(), BodyRelay.relay(out, buf, head, request.method(), sink, deadlines,
                            trace), false);
                }
            };
        }

        /** NPH: validate the status line, then relay every byte untouched; the connection closes after. */
        private Stdout nph(ReadableByteChannel out, ByteBuffer buf) {
            HeadRead<NphStatusLine> read = HeadReader.readStatusLine(out, buf, headerLimits.maxLineBytes(), deadlines);
            headerBytes = read.headerBytes();
            return switch (read) {
                case HeadRead.Invalid<NphStatusLine> i -> rejected(i.error(), "cgi: invalid NPH status line: ");
                case HeadRead.Ended<NphStatusLine> e -> ended();
                case HeadRead.Complete<NphStatusLine> c -> {
                    trace.emit(new TraceEvent.CgiHeadersReceived(latin1(headerBytes)));
                    yield relayed(c.head().status(), BodyRelay.relayRaw(out, buf, sink, deadlines), true);
                }
            };
        }

        /** The head broke a rule: the program is stopped now, the failure judged once it is reaped. */
        private Stdout rejected(InvalidResponseHeadException e, String logPrefix) {
            child.terminate(EndedBy.GATEWAY_REJECTED_OUTPUT, limits.killGrace());
            String quoted = ByteQuote.quote(e.offendingBytes(), 512);
            trace.emit(new TraceEvent.CgiInvalidHeaders(latin1(headerBytes), e.lineNumber(), e.reason()));
            log(logPrefix + quoted + where);
            return new Stdout.Rejected(e, quoted);
        }

        /** stdout ended (or we stopped the program) before the head was complete. */
        private Stdout ended() {
            Cutoff cut = deadlines.cutoff();
            if (cut == Cutoff.HEADER_TIMEOUT) {
                trace.emit(new TraceEvent.CgiTimeout(latin1(headerBytes)));
                log("cgi: no complete header block within " + limits.headerTimeout().toMillis() + " ms; stopped "
                        + "(pid " + child.pid() + ", script " + request.scriptFile() + ", headers "
                        + ByteQuote.quote(headerBytes, 256) + ")");
            }
            return new Stdout.NoHead(cut);
        }

        private Stdout relayed(int status, RelayEnd end, boolean raw) {
            if (end instanceof RelayEnd.NotStarted || end instanceof RelayEnd.ClientLeft) {
                child.terminate(EndedBy.CLIENT_DISCONNECT, limits.killGrace());
            }
            return new Stdout.Body(status, end, raw);
        }

        /**
         * Stops the program for {@code why}: its process group, and the processes that left the group (setsid,
         * a double fork) but still hold its pipes, so a daemon keeping stdout open cannot pin the request.
         */
        private void stop(EndedBy why) {
            // Under the lock: the daemon this signals closes stdout as it dies, and the request thread's close()
            // must not read the count before this adds to it (the soak lost ~10 % of these log lines that way).
            synchronized (stopping) {
                child.terminate(why, limits.killGrace());
                escapedEnded.addAndGet(child.endEscaped(limits.killGrace()));
            }
        }

        /**
         * The one cleanup path: stop the program if it still runs, wait for the pumps, reap, record.
         * A program that closed stdout but lingers gets the kill grace to exit on its own.
         */
        private ExitStatus close() {
            ExitStatus exit = await(limits.killGrace());
            if (exit == null) {
                stop(EndedBy.LINGER_TIMEOUT);
                exit = await(limits.killGrace().plusSeconds(5));
            }
            // A grandchild (or a daemon that left the group) can hold stderr open after the leader exited: end them
            // so the pump sees EOF.
            if (!join(stderrDone, Duration.ofSeconds(1))) {
                child.terminate(EndedBy.LINGER_TIMEOUT, Duration.ZERO);
                escapedEnded.addAndGet(child.endEscaped(Duration.ZERO));
                join(stderrDone, limits.killGrace().plusSeconds(5));
            }
            int escaped;
            synchronized (stopping) {
                escaped = escapedEnded.get();
            }
            if (escaped > 0) {
                log("cgi: ended " + escaped + " escaped process(es) that had left the program's process group"
                        + " but held its pipes" + where);
            }
            join(stdinDone, Duration.ofDays(1)); // bounded by the connection's own idle timeout
            child.closePipes();
            running.remove(child);
            deadlines.close();
            if (exit == null) exit = await(Duration.ofSeconds(30));
            if (exit == null) exit = new ExitStatus(-1, 0, false, -1, -1);
            limitHit = LimitDiagnosis.of(policy.limits(), exit, child.endedBy(), deadlines.cutoff(), stderr.tail());
            trace.emit(new TraceEvent.CgiExit(exit.exitCodeText(), exit.signalName(), exit.coreDumped(),
                    child.endedBy().name(), exit.cpuMillis(), exit.maxRssKiB(), limitHit == null ? "" : limitHit.name(),
                    limitHit == null ? "" : limitHit.clause()));
            if (limitHit != null) log("cgi: the program " + limitHit.clause() + where);
            if (crashDumps != null) crash = crashDumps.capture(requestId, coreFacts(exit), exit, trace);
            if (exit.signalled() && child.endedBy() == EndedBy.SELF) {
                log("cgi: program killed by " + exit.describe() + where);
            }
            return exit;
        }

        private CoreFacts coreFacts(ExitStatus exit) {
            Credentials who = policy.runAs() != null ? policy.runAs() : Credentials.ofServer();
            Path exe = Path.of(spec.argv().getFirst());
            if (!exe.isAbsolute()) exe = spec.workingDirectory().resolve(exe);
            return new CoreFacts(child.pid(), who.uid(), who.gid(), exit.signal(), exe, spec.workingDirectory(), startedMillis);
        }

        /** Judges the run from the facts; the trace events and log lines that need the exit status come here. */
        private CgiOutcome outcome(Stdout stdout, ExitStatus exit) {
            long bodyBytes = stdout instanceof Stdout.Body b ? b.end().bodyBytes() : 0;
            ProgramReport report = new ProgramReport(child.pid(), spec.commandLine(), exit, child.endedBy(),
                    stdin.bytesFromClient(), stdin.bytesToProgram(), headerBytes, bodyBytes, stderr.tail(),
                    System.nanoTime() - startNanos, limitHit == null ? "" : limitHit.clause(), policy.runAsText(), crash);
            return switch (stdout) {
                case Stdout.Rejected r -> new CgiOutcome.Failed(new GatewayFailure.InvalidHeaders(headerBytes,
                        r.error().lineNumber(), r.error().reason(), r.quoted()), report);
                case Stdout.NoHead n -> noHead(n.cutoff(), report);
                case Stdout.Redirect r -> new CgiOutcome.LocalRedirect(r.location(), report);
                case Stdout.Body b -> body(b, report);
                case Stdout.Crashed c -> aborted(500, "internal error: " + c.error(), report);
            };
        }

        private CgiOutcome noHead(Cutoff cut, ProgramReport report) {
            return switch (cut) {
                case CLIENT_GONE -> aborted(CLIENT_CLOSED, "the client went away before the program sent its headers",
                        report);
                case HEADER_TIMEOUT -> new CgiOutcome.Failed(new GatewayFailure.HeaderTimeout(headerBytes,
                        limits.headerTimeout(), limits.headerTimeoutStatus()), report);
                case TOTAL_TIMEOUT -> new CgiOutcome.Failed(new GatewayFailure.TotalTimeout(headerBytes,
                        limits.totalTimeout()), report);
                case OPERATOR -> {
                    log("cgi: ended by the operator before a complete header block" + where);
                    yield new CgiOutcome.Failed(new GatewayFailure.EndedByOperator(headerBytes,
                            GatewayFailure.EndedByOperator.CGI), report);
                }
                // Cannot happen: no idle deadline and no output limit apply before the head.
                case IDLE_TIMEOUT, OUTPUT_LIMIT -> prematureExit(report);
                case null -> prematureExit(report);
            };
        }

        /** The program ended on its own before its head was complete. */
        private CgiOutcome prematureExit(ProgramReport report) {
            ExitStatus exit = report.exit();
            trace.emit(new TraceEvent.CgiPrematureTermination(latin1(headerBytes), exit.exitCodeText(),
                    exit.signalName()));
            log("cgi: premature termination: " + exit.describe() + " before a complete header block; headers "
                    + ByteQuote.quote(headerBytes, 256) + where);
            return new CgiOutcome.Failed(new GatewayFailure.PrematureExit(headerBytes, exit.errorCode(), exit.describe(),
                    limitHit == null ? "" : limitHit.clause()), report);
        }

        private CgiOutcome body(Stdout.Body b, ProgramReport report) {
            int status = b.status();
            return switch (b.end()) {
                case RelayEnd.Completed c -> new CgiOutcome.Completed(status, report);
                // An NPH response already went out raw: only a stalled program makes it a failure.
                case RelayEnd.Cut c when b.raw() -> c.cutoff() == Cutoff.IDLE_TIMEOUT
                        ? aborted(status, "NPH program stalled (idle timeout)", report)
                        : new CgiOutcome.Completed(status, report);
                case RelayEnd.Cut c -> aborted(status, switch (c.cutoff()) {
                    case IDLE_TIMEOUT -> "the program sent nothing for " + limits.idleTimeout().toMillis()
                            + " ms after the body started (idle timeout)";
                    case CLIENT_GONE -> "the client went away";
                    case HEADER_TIMEOUT -> "the header timeout of " + limits.headerTimeout().toMillis()
                            + " ms expired as the header block arrived";
                    case TOTAL_TIMEOUT -> "the program ran longer than the total timeout of "
                            + limits.totalTimeout().toSeconds() + " s (limits.totalTimeoutSeconds)";
                    case OUTPUT_LIMIT -> "the program sent more than its output limit of "
                            + policy.limits().outputMiB() + " MiB (limits.outputMiB); the response was cut off";
                    case OPERATOR -> "the operator ended the request";
                }, report);
                case RelayEnd.TooLong t -> aborted(status, "the program sent more than its declared Content-Length of "
                        + t.declared() + " bytes", report);
                case RelayEnd.TooShort t -> aborted(status, "the program declared Content-Length " + t.declared()
                        + " but sent " + t.bodyBytes() + " bytes", report);
                case RelayEnd.NotStarted n -> aborted(status, "client went away before the response started: "
                        + n.cause().getMessage(), report);
                case RelayEnd.ClientLeft l -> aborted(status, "the client went away: " + l.cause().getMessage(), report);
            };
        }

        private CgiOutcome aborted(int status, String reason, ProgramReport report) {
            log("cgi: response aborted: " + reason + " (pid " + child.pid() + ", script " + request.scriptFile()
                    + ", " + report.exit().describe() + ")");
            trace.emit(new TraceEvent.CgiAborted(reason, report.endedBy().name()));
            return new CgiOutcome.Aborted(status, reason, report);
        }

        private ExitStatus await(Duration d) {
            try {
                return child.onExit().get(d.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                throw new IllegalStateException("onExit never fails", e);
            }
        }

        private void log(String message) { errorLog.log(requestId, message); }
    }

    private static EndedBy endedBy(Cutoff why) {
        return switch (why) {
            case HEADER_TIMEOUT -> EndedBy.HEADER_TIMEOUT;
            case IDLE_TIMEOUT -> EndedBy.IDLE_TIMEOUT;
            case CLIENT_GONE -> EndedBy.CLIENT_DISCONNECT;
            case TOTAL_TIMEOUT -> EndedBy.TOTAL_TIMEOUT;
            case OUTPUT_LIMIT -> EndedBy.OUTPUT_LIMIT;
            case OPERATOR -> EndedBy.OPERATOR;
        };
    }

    private static boolean join(Future<?> f, Duration d) {
        try {
            f.get(d.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("pump failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }
}
