package org.tracegate.gateway.fastcgi;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.Limits;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.Refusal;
import org.tracegate.text.ByteQuote;
import org.tracegate.gateway.cgi.CgiGateway;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.gateway.cgi.Cutoff;
import org.tracegate.gateway.cgi.Deadlines;
import org.tracegate.gateway.cgi.HeadRead;
import org.tracegate.gateway.cgi.ProgramReport;
import org.tracegate.gateway.cgi.RelayBuffers;
import org.tracegate.gateway.cgi.RelayEnd;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseHeadParser;
import org.tracegate.gateway.cgi.ResponseSink;
import org.tracegate.process.EndedBy;
import org.tracegate.process.ExitStatus;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * The gateway for FastCGI applications: lease a connection from the application's backend, run one request
 * over it with the same strict head parser and body relay as CGI, give the connection back, and judge the
 * outcome from the facts after the one close path ({@link FastCgiExchange#finish}) — every way it can fail
 * with its own status and the evidence: the worker's pid and requests served, its exit when it died, its
 * stderr (never cut at 1 KiB). Returns the same {@link CgiOutcome} as CGI, so the HTTP side answers both alike.
 */
public final class FastCgiGateway {
    private static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    private final Watchdog watchdog;
    private final ErrorLog errorLog;
    private final Limits limits;
    private final EnvironmentPolicy environment;
    private final Map<String, String> serverEnvironment;
    private final ResponseHeadParser.Limits headerLimits;
    /** The deadlines of each request whose exchange runs now, by request id: what {@link #end} cuts. */
    private final Map<String, Deadlines> running = new ConcurrentHashMap<>();

    public FastCgiGateway(Watchdog watchdog, ErrorLog errorLog, Limits limits, EnvironmentPolicy environment,
                          Map<String, String> serverEnvironment) {
        this.watchdog = watchdog;
        this.errorLog = errorLog;
        this.limits = limits;
        this.environment = environment;
        this.serverEnvironment = Map.copyOf(serverEnvironment);
        this.headerLimits = new ResponseHeadParser.Limits(limits.headerLineBytes(), limits.headerLines(),
                limits.headerBlockBytes());
    }

    /**
     * How soon a kept connection must fail for its request to be sent again: a server that closed it after its last
     * request (php-fpm's pm.max_requests, php-cgi's PHP_FCGI_MAX_REQUESTS) is found closed at the first read.
     */
    static final long RESEND_WINDOW_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * A mapping, where its connections come from, and the lanes that run its requests ({@link #submit}); null lanes
     * for an application only {@link #serve}d on the caller's thread (tests, tools).
     *
     * @param stderrLogBytes a request's STDERR logged at most (the program policy's {@code limits.stderrKiB})
     */
    public record Application(FastCgiMapping mapping, FastCgiBackend backend, RequestLanes lanes, long stderrLogBytes) {
        public Application(FastCgiMapping mapping, FastCgiBackend backend, RequestLanes lanes) {
            this(mapping, backend, lanes, ExchangeRequest.STDERR_LOG_BYTES);
        }

        public Application(FastCgiMapping mapping, FastCgiBackend backend) { this(mapping, backend, null); }
    }

    /** What becomes of a request {@link #submit}ted to its application's lanes. */
    public interface Completion {
        /** The request's outcome, on a lane (or on the submitting thread when the queue was full). */
        void outcome(CgiOutcome outcome);

        /** Our own fault while running it: a bug, answered 500 by the caller. */
        void fault(Throwable t);
    }

    /**
     * Runs one request on the application.
     *
     * @param scriptFilename SCRIPT_FILENAME as the application sees it
     * @param body           the request body (exactly {@code request.contentLength()} bytes) or null
     */
    public CgiOutcome serve(GatewayRequest request, Application app, String scriptFilename, InputStream body,
                            ResponseSink sink, RequestTrace trace) {
        return new Run(request, app, scriptFilename, body, sink, trace).execute();
    }

    /**
     * Ends the exchange of the request with this id, as the operator asked (the dashboard's end button, `tracegate
     * requests end ID`): ABORT_REQUEST, and a managed worker is replaced; the client gets 502.7 while nothing was
     * sent. False when no exchange runs for it (it ended, or still waits for a lane).
     */
    public boolean end(String requestId) {
        Deadlines d = running.get(requestId);
        if (d == null) return false;
        d.cut(Cutoff.OPERATOR);
        return true;
    }

    /**
     * Queues one request on the application's lanes ({@link RequestLanes}) and returns at once; {@code then} hears
     * its outcome. As {@link #serve}, but the caller's thread does not wait for a connection or the response. A
     * request without a body for an external server whose connections are on the event loop ({@link ExternalPool#pushes})
     * runs as a {@link PushExchange} instead, when {@code sink} is also a {@link PushSink}: no lane, and no thread waits.
     */
    public void submit(GatewayRequest request, Application app, String scriptFilename, InputStream body,
                       ResponseSink sink, RequestTrace trace, Completion then) {
        Run run = new Run(request, app, scriptFilename, body, sink, trace);
        run.started();
        // Without a body, on an external server whose connections are on the event loop: no lane, no thread waits.
        if (body == null && app.backend() instanceof ExternalPool pool && pool.pushes() && sink instanceof PushSink push) {
            pool.leaseAsync(app.mapping().pool().queueTimeout(), watchdog, lease -> run.push(pool, lease, true, push, then),
                    reason -> then.outcome(run.unavailable(reason)));
            return;
        }
        app.lanes().submit(new RequestLanes.Job() {
            @Override
            public void run(Duration waited, Runnable instanceFree) {
                CgiOutcome o;
                try {
                    Duration left = app.mapping().pool().queueTimeout().minus(waited);
                    run.queueTimeSpent = !left.isPositive();
                    o = run.leaseAndRun(run.queueTimeSpent ? Duration.ZERO : left);   // gives the lease back
                } catch (RuntimeException | Error e) {
                    instanceFree.run();
                    then.fault(e);
                    return;
                }
                instanceFree.run();
                then.outcome(o);
            }

            @Override
            public void refused(FastCgiUnavailable.Reason why) {
                then.outcome(run.unavailable(why));
            }
        });
    }

    private final class Run {
        private final GatewayRequest request;
        private final Application app;
        private final String scriptFilename;
        private final InputStream body;
        private final ResponseSink sink;
        private final RequestTrace trace;
        private final String requestId;
        private final long startNanos = System.nanoTime();
        private byte[] headerBytes = new byte[0];
        private long bodyBytes;
        /**
         * A lane picked it only once all of queueTimeout had passed (before the lanes' watchdog refused it): then a
         * Busy from the pool's zero wait is a wait that ran out too, not a refusal at once.
         */
        private boolean queueTimeSpent;

        Run(GatewayRequest request, Application app, String scriptFilename, InputStream body, ResponseSink sink,
            RequestTrace trace) {
            this.request = request;
            this.app = app;
            this.scriptFilename = scriptFilename;
            this.body = body;
            this.sink = sink;
            this.trace = trace;
            this.requestId = trace.context().requestId();
        }

        CgiOutcome execute() {
            started();
            return leaseAndRun(app.mapping().pool().queueTimeout());
        }

        void started() {
            trace.emit(new TraceEvent.FastCgiRequestStart(app.backend().describe(), scriptFilename));
        }

        CgiOutcome leaseAndRun(Duration wait) {
            FastCgiBackend.Lease lease;
            try {
                lease = app.backend().lease(wait, trace);
            } catch (FastCgiUnavailable e) {
                return unavailable(e.reason());
            }
            trace.emit(new TraceEvent.FastCgiAssignProcess(lease.commandLine(), lease.fresh(), lease.pid(),
                    lease.requestNumber()));
            Attempt a = attemptOrRelease(lease);
            if (sendAgain(a)) {
                try {
                    FastCgiBackend.Lease fresh;
                    if (app.backend() instanceof ExternalPool pool) {
                        fresh = pool.renew(a.lease);
                    } else {
                        // A managed process: its exit says whether it ran the request. Sent again only when it ended
                        // by itself after its last one (php-cgi's own PHP_FCGI_MAX_REQUESTS), never after a signal.
                        app.backend().release(a.lease, a.report, trace);
                        if (!app.backend().endedByItself(a.lease)) return outcome(a);
                        fresh = app.backend().lease(wait, trace);
                    }
                    trace.emit(new TraceEvent.FastCgiAssignProcess(fresh.commandLine(), fresh.fresh(), fresh.pid(),
                            fresh.requestNumber()));
                    a = attemptOrRelease(fresh);
                } catch (FastCgiUnavailable e) {
                    return unavailable(e.reason());
                }
            }
            app.backend().release(a.lease, a.report, trace);
            return outcome(a);
        }

        /**
         * {@link #attempt}, giving the lease back (its connection closed, a managed process retired) when the attempt
         * faults: a bug must not keep a connection or a process slot for good.
         */
        private Attempt attemptOrRelease(FastCgiBackend.Lease lease) {
            try {
                return attempt(lease);
            } catch (RuntimeException | Error e) {
                lease.connection().close();
                app.backend().release(lease, null, trace);
                throw e;
            }
        }

        /** What one request on one connection did. */
        private record Attempt(FastCgiBackend.Lease lease, HeadRead<ResponseHead> head, RelayEnd relay,
                               boolean replacedByNotFound, Cutoff cutoff, ExchangeReport report) {}

        private Attempt attempt(FastCgiBackend.Lease lease) {
            FastCgiExchange exchange = lease.connection().start(exchangeRequest(body), watchdog, ABORT_GRACE, trace,
                    this::log);
            Deadlines deadlines = watched(exchange::abort, sink::onClientGone);
            ByteBuffer buf = RelayBuffers.take();
            HeadRead<ResponseHead> head = null;
            RelayEnd relay = null;
            boolean notFound = false;
            boolean reusable = true;
            try {
                head = exchange.readHead(buf, headerLimits, deadlines);
                headerBytes = head.headerBytes();
                if (head instanceof HeadRead.Complete<ResponseHead> c) {
                    ResponseHead h = accepted(c.head(), headerBytes, exchange::stderrTail);
                    if (h == null) {
                        notFound = true;
                        exchange.discardBody(buf, deadlines);
                    } else {
                        relay = exchange.relayBody(buf, h, request.method(), sink, deadlines);
                        bodyBytes = relay.bodyBytes();
                        reusable = !(relay instanceof RelayEnd.ClientLeft);
                    }
                }
            } catch (RuntimeException | Error e) {
                deadlines.close();
                exchange.faulted();
                throw e;
            } finally {
                running.remove(requestId, deadlines);
                if (reusable) RelayBuffers.give(buf);
            }
            return concluded(lease, head, relay, notFound, deadlines, exchange.finish(), true);
        }

        /**
         * A kept connection (or process) the server closed after its last request fails at once, before any output and
         * before the body was read: then, and only then, the request is sent again on a fresh connection (or a new
         * process). "At once" is within {@link #RESEND_WINDOW_NANOS} of the request's start, with no STDERR either: a
         * worker killed while it ran the request (SIGKILL, the OOM killer, request_terminate_timeout) fails the same
         * way later, and is the operator's 502.2, never a second run of the script. A managed process must also have
         * ended by itself with status 0 ({@link FastCgiBackend#endedByItself}); an external server's worker killed
         * within the window cannot be told from one that closed the connection, and is sent again once.
         */
        private boolean sendAgain(Attempt a) {
            return switch (a.report.end()) {
                case RequestEnd.LostAhead l -> l.resendable();
                // Not with a request sent behind it: that one is sent again itself once this lease is released.
                case RequestEnd.ConnectionLost lost -> !a.lease.fresh() && lost.stage() == Stage.BEFORE_STDOUT
                        && !a.lease.connection().hasAhead()
                        && a.report.bytesFromClient() == 0 && a.report.stderrBytes() == 0
                        && a.report.elapsedNanos() < RESEND_WINDOW_NANOS
                        && !(a.head instanceof HeadRead.Complete<ResponseHead>);
                case null, default -> false;
            };
        }

        /**
         * The request's facts once its exchange is over, by either path: a timed-out instance ends, FASTCGI_END.
         *
         * @param ours whether the instance is still this request's (not handed on after a clean END_REQUEST)
         */
        private Attempt concluded(FastCgiBackend.Lease lease, HeadRead<ResponseHead> head, RelayEnd relay, boolean notFound,
                                  Deadlines deadlines, ExchangeReport report, boolean ours) {
            deadlines.close();
            Cutoff cut = deadlines.cutoff();
            // An external server's connection that stayed clean (END_REQUEST within the abort grace, no ABORT_REQUEST
            // written because a request waits behind it) is kept: closing it would fail the request behind.
            boolean keptClean = report.connectionKept() && app.backend() instanceof ExternalPool;
            if (ours && !keptClean && (cut == Cutoff.HEADER_TIMEOUT || cut == Cutoff.TOTAL_TIMEOUT
                    || cut == Cutoff.IDLE_TIMEOUT || cut == Cutoff.OPERATOR)) {
                app.backend().endInstance(lease);
            }
            RequestEnd end = report.end();
            trace.emit(new TraceEvent.FastCgiEnd(endName(end), end instanceof RequestEnd.Ended e ? e.appStatus() : 0,
                    end instanceof RequestEnd.Ended e ? e.protocolStatus().name() : "", report.stdoutBytes(),
                    report.stderrBytes(), report.connectionKept()));
            return new Attempt(lease, head, relay, notFound, deadlines.cutoff(), report);
        }

        /**
         * The event-driven path ({@link PushExchange}) on a leased connection of the event loop; {@code then} hears the
         * outcome, judged as the lane path's. Sent again once on a fresh connection as {@link #sendAgain} allows.
         */
        void push(ExternalPool pool, FastCgiBackend.Lease lease, boolean mayRetry, PushSink push, Completion then) {
            PushExchange exchange;
            Deadlines deadlines;
            try {
                trace.emit(new TraceEvent.FastCgiAssignProcess(lease.commandLine(), lease.fresh(), lease.pid(),
                        lease.requestNumber(), lease.ahead() != null));
                exchange = lease.ahead() != null
                        ? lease.connection().startAhead(lease.ahead(), exchangeRequest(null), watchdog, ABORT_GRACE, trace, this::log)
                        : lease.connection().startPush(exchangeRequest(null), watchdog, ABORT_GRACE, trace, this::log);
                deadlines = watched(exchange::abort, push::onClientGone);
            } catch (RuntimeException | Error e) {
                // A bug of ours before the exchange runs, on whichever thread granted the lease (another request's
                // release, a connect thread): thrown on, it would fail that request or nobody, and this one would
                // hang holding its slot. Answered as the exchange's own faults are; nothing of it was sent yet.
                // Sent ahead, the connection is still the running request's: given back only once that one is over.
                if (lease.ahead() != null) lease.ahead().registered(resendable -> app.backend().release(lease, null, trace));
                else app.backend().release(lease, null, trace);
                then.fault(e);
                return;
            }
            // The exchange's calls come one at a time, in order. A fault after the lease went back (or after `then`
            // was told) must neither release it again nor tell `then` twice.
            boolean[] handedOff = {false};              // released at a clean END_REQUEST, before the client write
            boolean[] givenBack = {false};              // the lease released or renewed
            boolean[] told = {false};                   // `then` told
            exchange.run(headerLimits, deadlines, request.method(), push, this::accepted, report -> {
                handedOff[0] = true;
                givenBack[0] = true;
                app.backend().release(lease, report, trace);
            }, r -> {
                running.remove(requestId, deadlines);
                if (r.head() != null) headerBytes = r.head().headerBytes();
                if (r.relay() != null) bodyBytes = r.relay().bodyBytes();
                Attempt a = concluded(lease, r.head(), r.relay(), r.replaced(), deadlines, r.report(), !handedOff[0]);
                if (!handedOff[0] && mayRetry && sendAgain(a)) {
                    givenBack[0] = true;
                    pool.renewAsync(a.lease, fresh -> push(pool, fresh, false, push, then),
                            reason -> then.outcome(unavailable(reason)));
                    return;
                }
                if (!handedOff[0]) {
                    givenBack[0] = true;
                    app.backend().release(a.lease, a.report, trace);
                }
                CgiOutcome o = outcome(a);
                told[0] = true;
                then.outcome(o);
            }, t -> {
                running.remove(requestId, deadlines);
                deadlines.close();
                if (!givenBack[0]) app.backend().release(lease, null, trace);
                if (!told[0]) then.fault(t);
                else log("fastcgi: a fault after the outcome was delivered: " + t + " (" + app.backend().describe()
                        + ", script " + scriptFilename + ")");
            });
        }

        /**
         * The head as either path relays it (FASTCGI_RESPONSE_HEADERS emitted), or null for php-fpm's "Primary script
         * unknown", which we answer 404 ourselves.
         */
        private ResponseHead accepted(ResponseHead head, byte[] bytes, java.util.function.Supplier<String> stderrTail) {
            trace.emit(new TraceEvent.FastCgiResponseHeaders(latin1(bytes)));
            ResponseHead h = asClientRedirect(head);
            return h.status() == 404 && stderrTail.get().contains("Primary script unknown") ? null : h;
        }

        private ExchangeRequest exchangeRequest(InputStream body) {
            return new ExchangeRequest(FastCgiParams.build(request, environment, serverEnvironment, scriptFilename), body,
                    true, app.stderrLogBytes());
        }

        /**
         * The request's deadlines, whose cuts {@code abort} the exchange: started now (the request timeout), cut when
         * the client goes, and findable by {@link #end}; then FASTCGI_WAITING_FOR_RESPONSE.
         */
        private Deadlines watched(Runnable abort, Consumer<Runnable> onClientGone) {
            var pool = app.mapping().pool();
            Deadlines deadlines = new Deadlines(watchdog, pool.requestTimeout(), pool.activityTimeout(),
                    pool.activityTimeout(), 0, why -> abort.run());
            try {
                onClientGone.accept(() -> deadlines.cut(Cutoff.CLIENT_GONE));
            } catch (RuntimeException | Error e) {
                deadlines.close();                     // the request timeout is armed already
                throw e;
            }
            running.put(requestId, deadlines);
            trace.emit(new TraceEvent.FastCgiWaitingForResponse());
            return deadlines;
        }

        /** Judges the request from the facts, after the close path. */
        private CgiOutcome outcome(Attempt a) {
            String application = app.backend().describe();
            ProgramReport report = report(a);
            RequestEnd end = a.report.end();
            if (a.replacedByNotFound) {
                return new CgiOutcome.Failed(new Refusal.NotFound("the FastCGI application " + application
                        + " says \"Primary script unknown\": it has no script " + scriptFilename, null), report);
            }
            if (a.head instanceof HeadRead.Invalid<ResponseHead> i) {
                String quoted = ByteQuote.quote(i.error().offendingBytes(), 512);
                log("fastcgi: invalid header block: line " + i.error().lineNumber() + ": " + i.error().reason() + ": "
                        + quoted + where(a));
                return new CgiOutcome.Failed(new GatewayFailure.InvalidHeaders(headerBytes, i.error().lineNumber(),
                        i.error().reason(), quoted), report);
            }
            if (!(a.head instanceof HeadRead.Complete<ResponseHead> complete)) {
                return noHead(a, end, report);
            }
            int status = asClientRedirect(complete.head()).status();
            return switch (a.relay) {
                case RelayEnd.Completed c when RequestEnd.completed(end) -> new CgiOutcome.Completed(status, report);
                case RelayEnd.Completed c -> aborted(a, status, "its connection " + broke(end) + " after " + c.bodyBytes()
                        + " body bytes", report);
                case RelayEnd.Cut c -> aborted(a, status, switch (c.cutoff()) {
                    case CLIENT_GONE -> "the client went away";
                    case IDLE_TIMEOUT, HEADER_TIMEOUT -> "the application sent nothing for its activity timeout of "
                            + app.mapping().pool().activityTimeout().toSeconds() + " s after the body started";
                    case TOTAL_TIMEOUT -> "the request ran past its request timeout of "
                            + app.mapping().pool().requestTimeout().toSeconds() + " s";
                    case OUTPUT_LIMIT -> "the response grew past its output limit";
                    case OPERATOR -> "the operator ended the request";
                }, report);
                case RelayEnd.TooLong t -> aborted(a, status, "the application sent more than its declared "
                        + "Content-Length of " + t.declared() + " bytes", report);
                case RelayEnd.TooShort t -> aborted(a, status, "the application declared Content-Length " + t.declared()
                        + " but sent " + t.bodyBytes() + " bytes", report);
                case RelayEnd.NotStarted n -> aborted(a, status, "client went away before the response started: "
                        + n.cause().getMessage(), report);
                case RelayEnd.ClientLeft l -> aborted(a, status, "the client went away: " + l.cause().getMessage(), report);
            };
        }

        /** STDOUT ended (or we gave up) before the head was complete. */
        private CgiOutcome noHead(Attempt a, RequestEnd end, ProgramReport report) {
            String application = app.backend().describe();
            if (a.cutoff == Cutoff.CLIENT_GONE) {
                return aborted(a, CgiGateway.CLIENT_CLOSED, "the client went away before the application sent its headers",
                        report);
            }
            if (a.cutoff == Cutoff.OPERATOR) {
                log("fastcgi: ended by the operator before a complete header block" + where(a));
                return new CgiOutcome.Failed(new GatewayFailure.EndedByOperator(headerBytes,
                        GatewayFailure.EndedByOperator.FASTCGI), report);
            }
            if (a.cutoff == Cutoff.HEADER_TIMEOUT || a.cutoff == Cutoff.TOTAL_TIMEOUT) {
                boolean total = a.cutoff == Cutoff.TOTAL_TIMEOUT;
                var pool = app.mapping().pool();
                log("fastcgi: no complete header block within its " + (total ? "request timeout" : "activity timeout")
                        + "; aborted; headers " + ByteQuote.quote(headerBytes, 256) + where(a));
                return new CgiOutcome.Failed(new GatewayFailure.FastCgiTimeout(headerBytes, application,
                        total ? "request timeout" : "activity timeout",
                        total ? pool.requestTimeout() : pool.activityTimeout()), report);
            }
            if (end instanceof RequestEnd.Ended e && e.protocolStatus() != ProtocolStatus.REQUEST_COMPLETE) {
                log("fastcgi: the application refused the request: " + e.protocolStatus() + where(a));
                return new CgiOutcome.Failed(new GatewayFailure.FastCgiRefused(application, e.protocolStatus().name()),
                        report);
            }
            String how = switch (end) {
                case RequestEnd.Ended e -> "ended the request (END_REQUEST, appStatus " + e.appStatus()
                        + ") without a complete set of HTTP headers" + (headerBytes.length == 0 ? ": it sent no output at all" : "");
                case RequestEnd.LostAhead l -> "never got to it: " + l.detail();
                case RequestEnd.ConnectionLost l -> "closed the connection (" + l.errno() + ") " + when(l.stage());
                case RequestEnd.ProtocolViolation v -> "broke the FastCGI protocol " + when(v.stage()) + ": "
                        + v.error().getMessage();
                case RequestEnd.Abandoned ab -> "did not answer our abort " + when(ab.stage());
            };
            String errorCode = switch (end) {
                case RequestEnd.Ended e -> Integer.toString(e.appStatus());
                case RequestEnd.ConnectionLost l -> l.errno();
                case RequestEnd.LostAhead l -> "ECONNABORTED";
                case RequestEnd.ProtocolViolation v -> "PROTOCOL";
                case RequestEnd.Abandoned ab -> "ABANDONED";
            };
            String worker = worker(a);
            ExitStatus exit = report.exit();
            trace.emit(new TraceEvent.FastCgiUnexpectedExit(stageName(end), errorCode, how, a.lease.pid(),
                    exit == null ? "" : exit.exitCodeText(), exit == null ? "" : exit.signalName()));
            log("fastcgi: the application " + how + (worker.isEmpty() ? "" : "; " + worker) + where(a));
            return new CgiOutcome.Failed(new GatewayFailure.FastCgiBrokeOff(headerBytes, application, how, worker,
                    exit != null ? exit.errorCode() : errorCode), report);
        }

        private CgiOutcome unavailable(FastCgiUnavailable.Reason reason) {
            String application = app.backend().describe();
            ProgramReport report = new ProgramReport(-1, application, null, EndedBy.SELF, 0, 0, headerBytes, 0, "",
                    System.nanoTime() - startNanos, "", "");
            GatewayFailure f = switch (reason) {
                // A wait that ran out is queueTimeout's, even when part of it was spent in the lanes' queue first.
                case FastCgiUnavailable.Busy b -> new GatewayFailure.Overloaded(b.instances(),
                        b.waited().isZero() && !queueTimeSpent ? Duration.ZERO : app.mapping().pool().queueTimeout(),
                        app.mapping().managed() ? GatewayFailure.Slots.FASTCGI_PROCESSES
                                : GatewayFailure.Slots.FASTCGI_CONNECTIONS);
                case FastCgiUnavailable.Unreachable u -> new GatewayFailure.FastCgiUnreachable(u.address(), u.errnoName(),
                        u.detail(), u.notStarted());
                case FastCgiUnavailable.Closed c -> new GatewayFailure.ShuttingDown(application);
                case FastCgiUnavailable.Stopped s -> new Refusal.CrashLoop(null, s.failures(), Duration.ofMinutes(1),
                        s.retryAt(), s.lastCause(), "rapidFailsPerMinute in its [[fastcgi]] table (0 turns it off)");
            };
            log("fastcgi: " + f.cause() + " (" + application + ", script " + scriptFilename + ")");
            return new CgiOutcome.Failed(f, report);
        }

        private CgiOutcome aborted(Attempt a, int status, String reason, ProgramReport report) {
            log("fastcgi: response aborted: " + reason + where(a));
            trace.emit(new TraceEvent.CgiAborted(reason, report.endedBy().name()));
            return new CgiOutcome.Aborted(status, reason, report);
        }

        private ProgramReport report(Attempt a) {
            ExitStatus exit = a.lease.instance() instanceof ManagedWorker w ? w.exitIfDead() : null;
            EndedBy endedBy = a.cutoff == null ? EndedBy.SELF : switch (a.cutoff) {
                case CLIENT_GONE -> EndedBy.CLIENT_DISCONNECT;
                case HEADER_TIMEOUT -> EndedBy.HEADER_TIMEOUT;
                case IDLE_TIMEOUT -> EndedBy.IDLE_TIMEOUT;
                case TOTAL_TIMEOUT -> EndedBy.TOTAL_TIMEOUT;
                case OUTPUT_LIMIT -> EndedBy.OUTPUT_LIMIT;
                case OPERATOR -> EndedBy.OPERATOR;
            };
            return new ProgramReport(a.lease.pid(), a.lease.commandLine(), exit, endedBy, a.report.bytesFromClient(),
                    a.report.bytesToServer(), headerBytes, bodyBytes, stderrTail(a), System.nanoTime() - startNanos, "", "");
        }

        /**
         * FCGI_STDERR's tail, and a managed process's own stderr during the request: php-cgi writes its errors
         * (error_log(), a fatal error) there, not to FCGI_STDERR.
         */
        private String stderrTail(Attempt a) {
            String records = a.report.stderrTail();
            String own = a.lease.instance() instanceof ManagedWorker w ? w.ownStderr() : "";
            if (own.isEmpty()) return records;
            return records.isEmpty() ? own : records + (records.endsWith("\n") ? "" : "\n") + own;
        }

        /** "worker pid 4242 (its 17th request) was killed by signal SIGKILL", or "" for an external server. */
        private String worker(Attempt a) {
            if (a.lease.pid() < 0) return "";
            ExitStatus exit = a.lease.instance() instanceof ManagedWorker w ? w.exitIfDead() : null;
            return "worker pid " + a.lease.pid() + " (request " + a.lease.requestNumber() + " for it)"
                    + (exit == null ? "" : exit.signalled() ? " was killed by " + exit.describe() : " exited with " + exit.describe());
        }

        private String where(Attempt a) {
            return " (" + app.backend().describe() + (a.lease.pid() > 0 ? ", pid " + a.lease.pid() : "")
                    + ", script " + scriptFilename + ")";
        }

        private void log(String message) { errorLog.log(requestId, message); }
    }

    /** A managed instance's facts for the request's report: how its process ended, and its own stderr. */
    public interface ManagedWorker {
        /** The exit status if the process has ended (waiting briefly for the reaper), else null. */
        ExitStatus exitIfDead();

        /** What the process wrote to its own stderr (not FCGI_STDERR) during this request: its last 8 KiB. */
        String ownStderr();
    }

    /** A program's Location without a Status is a client redirect for FastCGI (RFC 3875's local redirect is CGI's). */
    private static ResponseHead asClientRedirect(ResponseHead h) {
        if (h.kind() != ResponseHead.Kind.LOCAL_REDIRECT) return h;
        return new ResponseHead(ResponseHead.Kind.CLIENT_REDIRECT, 302, null, h.headers(), h.location(), h.contentLength());
    }


    private static String broke(RequestEnd end) {
        return switch (end) {
            case RequestEnd.Ended e -> "ended with " + e.protocolStatus();
            case RequestEnd.ConnectionLost l -> "was lost (" + l.errno() + ")";
            case RequestEnd.LostAhead l -> "never began (the connection it was sent ahead on closed)";
            case RequestEnd.ProtocolViolation v -> "broke the protocol (" + v.error().getMessage() + ")";
            case RequestEnd.Abandoned ab -> "was abandoned";
        };
    }

    private static String when(Stage stage) {
        return switch (stage) {
            case BEFORE_STDOUT -> "before it sent any output";
            case IN_HEAD -> "in the middle of its headers";
            case IN_BODY -> "in the middle of the body";
            case AFTER_STDOUT -> "after its output but before END_REQUEST";
        };
    }

    private static String stageName(RequestEnd end) {
        return switch (end) {
            case RequestEnd.Ended e -> "ENDED";
            case RequestEnd.ConnectionLost l -> l.stage().name();
            case RequestEnd.LostAhead l -> Stage.BEFORE_STDOUT.name();
            case RequestEnd.ProtocolViolation v -> v.stage().name();
            case RequestEnd.Abandoned ab -> ab.stage().name();
        };
    }

    private static String endName(RequestEnd end) {
        return switch (end) {
            case RequestEnd.Ended e -> "END_REQUEST";
            case RequestEnd.ConnectionLost l -> "CONNECTION_LOST";
            case RequestEnd.LostAhead l -> "LOST_AHEAD";
            case RequestEnd.ProtocolViolation v -> "PROTOCOL_VIOLATION";
            case RequestEnd.Abandoned ab -> "ABANDONED";
        };
    }

    private static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }
}
