package org.tracegate.gateway.cgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
import org.tracegate.process.ChildProcess;
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
 * The host side of CGI/1.1 (RFC 3875): environment → start → pump stdin/stderr → parse the header
 * block → relay the body → reap. Every way the program can misbehave ends as a {@link CgiOutcome}
 * carrying the evidence. Protocol-neutral: the HTTP layer supplies the body stream and a
 * {@link ResponseSink}.
 */
public final class CgiGateway {
    /** Hop-by-hop headers (RFC 9110 §7.6.1): framing is ours, so a program's are dropped. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "trailers", "transfer-encoding", "upgrade");
    private static final int BUFFER = 64 * 1024;
    private static final int MAX_STDERR_EVENTS = 200;
    /**
     * Pipe pumps run on pooled platform threads, not virtual ones: a blocking read of a pipe pins its
     * carrier and (measured on JDK 25) the scheduler does not compensate, so two silent programs were
     * enough to stall every virtual thread, the JDK's own socket pollers included.
     */
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("cgi-pump-", 0).factory());
    /** Recorded (never sent) when the client left before any response: nginx's convention. */
    public static final int CLIENT_CLOSED = 499;
    /** How much of a response body the trace keeps (GENERAL_RESPONSE_ENTITY_BUFFER). */
    public static final int ENTITY_BUFFER_BYTES = 4096;

    private final ProcessLauncher launcher;
    private final Watchdog watchdog;
    private final ErrorLog errorLog;
    private final Limits limits;
    private final EnvironmentPolicy environmentPolicy;
    private final Map<String, String> serverEnvironment;
    private final ResponseHeadParser.Limits headerLimits;
    private final Set<ChildProcess> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public CgiGateway(ProcessLauncher launcher, Watchdog watchdog, ErrorLog errorLog, Limits limits,
                      EnvironmentPolicy environmentPolicy, Map<String, String> serverEnvironment) {
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
     * Runs one program for one request.
     *
     * @param argv  the fixed argv: [program] or [interpreter..., script]
     * @param body  the request body (exactly {@code request.contentLength()} bytes) or null
     * @param sink  where the response goes
     * @param trace the request's trace
     */
    public CgiOutcome serve(GatewayRequest request, List<String> argv, InputStream body, ResponseSink sink,
                            RequestTrace trace) {
        return new Run(request, argv, body, sink, trace).execute();
    }

    /** One program run: all per-request state in one place, like lighttpd's handler_ctx. */
    private final class Run {
        private final GatewayRequest request;
        private final LaunchSpec spec;
        private final InputStream body;
        private final ResponseSink sink;
        private final RequestTrace trace;
        private final String requestId;
        private final StderrCapture stderr = new StderrCapture();
        private final boolean nph;
        private ChildProcess child;
        /** The relay buffer (direct, pooled); returned to the pool unless a write to the client failed. */
        private ByteBuffer buf;
        private boolean writeFailed;
        private Future<?> stdinPump;
        private Future<?> stderrPump;
        private volatile long bytesFromClient;
        private volatile long bytesToProgram;
        private volatile boolean headerTimedOut;
        private volatile boolean idleTimedOut;
        private volatile boolean clientGone;
        private byte[] headerBytes = new byte[0];
        private final java.io.ByteArrayOutputStream firstBytes = new java.io.ByteArrayOutputStream();
        private long bodyBytes;
        private long startNanos;
        private int stderrEvents;

        Run(GatewayRequest request, List<String> argv, InputStream body, ResponseSink sink, RequestTrace trace) {
            this.request = request;
            this.body = body;
            this.sink = sink;
            this.trace = trace;
            this.requestId = trace.context().requestId();
            Map<String, String> env = CgiEnvironment.build(request, environmentPolicy, serverEnvironment);
            this.spec = new LaunchSpec(argv, env, request.scriptFile().getParent());
            this.nph = request.scriptFile().getFileName().toString().startsWith("nph-");
        }

        CgiOutcome execute() {
            startNanos = System.nanoTime();
            try {
                child = launcher.launch(spec);
            } catch (LaunchException e) {
                trace.emit(new TraceEvent.CgiLaunch(spec.commandLine(), e.errnoName(), -1));
                log("cgi: cannot start: " + e.getMessage() + " (script " + request.scriptFile() + ")");
                drainBody();
                return new CgiOutcome.Failed(new GatewayFailure.LaunchFailed(e.errnoName(), e.errno(), e.getMessage()),
                        report(null, EndedBy.SELF));
            }
            running.add(child);
            trace.emit(new TraceEvent.CgiLaunch(spec.commandLine(), "0", child.pid()));
            sink.onClientGone(() -> {
                clientGone = true;
                child.terminate(EndedBy.CLIENT_DISCONNECT, limits.killGrace());
            });
            stdinPump = PUMPS.submit(this::pumpStdin);
            stderrPump = PUMPS.submit(this::pumpStderr);
            Ending ending;
            try {
                ending = nph ? relayNph() : relay();
            } catch (RuntimeException e) {
                writeFailed = true; // where it broke is unknown: the buffer may still be in a write
                child.terminate(EndedBy.GATEWAY_REJECTED_OUTPUT, limits.killGrace());
                ending = new Ending.Broken(500, "internal error: " + e);
            } finally {
                if (buf != null && !writeFailed) RelayBuffers.give(buf);
            }
            ExitStatus exit = close();
            ProgramReport report = report(exit, child.endedBy());
            return switch (ending) {
                case Ending.Done d -> new CgiOutcome.Completed(d.status(), report);
                case Ending.Redirect r -> new CgiOutcome.LocalRedirect(r.location(), report);
                case Ending.Broken b -> {
                    log("cgi: response aborted: " + b.reason() + " (pid " + child.pid() + ", script "
                            + request.scriptFile() + ", " + exit.describe() + ")");
                    trace.emit(new TraceEvent.CgiAborted(b.reason(), child.endedBy().name()));
                    yield new CgiOutcome.Aborted(b.status(), b.reason(), report);
                }
                case Ending.NoHead n -> new CgiOutcome.Failed(n.failure(exit), report);
            };
        }

        /** Reads the header block, then relays the body. */
        private Ending relay() {
            ReadableByteChannel out = Channels.newChannel(child.stdout()); // a FileChannel for a native child
            ResponseHeadParser parser = new ResponseHeadParser(headerLimits);
            Watchdog.Deadline headerDeadline = watchdog.arm(limits.headerTimeout(), () -> {
                headerTimedOut = true;
                child.terminate(EndedBy.HEADER_TIMEOUT, limits.killGrace());
            });
            buf = RelayBuffers.take();
            int consumed = 0;
            try {
                // The parser reads a heap copy of what arrived during the header block only; the body
                // stays in the direct buffer.
                while (!parser.isComplete() && read(out, buf) > 0) {
                    byte[] chunk = new byte[buf.remaining()];
                    buf.get(0, chunk);
                    consumed = parser.feed(chunk, 0, chunk.length);
                }
            } catch (InvalidResponseHeadException e) {
                headerDeadline.cancel();
                headerBytes = parser.received();
                child.terminate(EndedBy.GATEWAY_REJECTED_OUTPUT, limits.killGrace());
                trace.emit(new TraceEvent.CgiInvalidHeaders(latin1(headerBytes), e.lineNumber(), e.reason()));
                String quoted = ByteQuote.quote(e.offendingBytes(), 512);
                log("cgi: invalid header block: line " + e.lineNumber() + ": " + e.reason() + ": " + quoted
                        + " (pid " + child.pid() + ", script " + request.scriptFile() + ")");
                return new Ending.NoHead(exit -> new GatewayFailure.InvalidHeaders(headerBytes, e.lineNumber(),
                        e.reason(), quoted));
            }
            headerDeadline.cancel();
            headerBytes = parser.received();
            if (!parser.isComplete()) return noHeaders();

            ResponseHead head = parser.result();
            trace.emit(new TraceEvent.CgiHeadersReceived(latin1(headerBytes)));
            if (head.kind() == ResponseHead.Kind.LOCAL_REDIRECT) return new Ending.Redirect(head.location());
            buf.position(consumed);
            return relayBody(head, out);
        }

        /** stdout ended (or we killed the program) before the blank line: 502.1 or 502.2. */
        private Ending noHeaders() {
            if (clientGone) {
                return new Ending.Broken(CLIENT_CLOSED, "the client went away before the program sent its headers");
            }
            if (headerTimedOut) {
                trace.emit(new TraceEvent.CgiTimeout(latin1(headerBytes)));
                log("cgi: no complete header block within " + limits.headerTimeout().toMillis() + " ms; stopped "
                        + "(pid " + child.pid() + ", script " + request.scriptFile() + ", headers "
                        + ByteQuote.quote(headerBytes, 256) + ")");
                return new Ending.NoHead(exit -> new GatewayFailure.HeaderTimeout(headerBytes, limits.headerTimeout(),
                        limits.headerTimeoutStatus()));
            }
            return new Ending.NoHead(exit -> {
                trace.emit(new TraceEvent.CgiPrematureTermination(latin1(headerBytes),
                        exit.exitCodeText(), exit.signalName()));
                log("cgi: premature termination: " + exit.describe() + " before a complete header block; headers "
                        + ByteQuote.quote(headerBytes, 256) + " (pid " + child.pid() + ", script "
                        + request.scriptFile() + ")");
                return new GatewayFailure.PrematureExit(headerBytes, exit.errorCode(), exit.describe());
            });
        }

        /** Relays the body: what is left in {@link #buf} after the header block, then the rest of stdout. */
        private Ending relayBody(ResponseHead head, ReadableByteChannel out) {
            boolean bodyAllowed = !"HEAD".equals(request.method()) && head.status() != 204 && head.status() != 304;
            WritableByteChannel to;
            try {
                to = sink.begin(head.status(), head.reason(), endToEnd(head.headers()));
            } catch (IOException e) {
                child.terminate(EndedBy.CLIENT_DISCONNECT, limits.killGrace());
                return new Ending.Broken(head.status(), "client went away before the response started: " + e.getMessage());
            }
            trace.emit(new TraceEvent.GeneralResponseHeaders(responseHeadersText(head.status(), head.reason(),
                    endToEnd(head.headers()))));
            Watchdog.Deadline idle = watchdog.arm(limits.idleTimeout(), () -> {
                idleTimedOut = true;
                child.terminate(EndedBy.IDLE_TIMEOUT, limits.killGrace());
            });
            long declared = head.contentLength();
            try {
                while (true) {
                    int len = buf.remaining();
                    if (len > 0) {
                        if (declared >= 0 && bodyBytes + len > declared) {
                            return new Ending.Broken(head.status(), "the program sent more than its declared "
                                    + "Content-Length of " + declared + " bytes");
                        }
                        keepFirstBytes(buf);
                        if (bodyAllowed) write(to, buf);
                        bodyBytes += len;
                    }
                    // Only time spent waiting on the program counts: a slow client is Jetty's idle timeout.
                    idle.touch();
                    int n = read(out, buf);
                    idle.pause();
                    if (n < 0) break;
                }
                if (idleTimedOut) {
                    return new Ending.Broken(head.status(), "the program sent nothing for "
                            + limits.idleTimeout().toMillis() + " ms after the body started (idle timeout)");
                }
                if (clientGone) return new Ending.Broken(head.status(), "the client went away");
                if (bodyAllowed && declared >= 0 && bodyBytes != declared) {
                    return new Ending.Broken(head.status(), "the program declared Content-Length " + declared
                            + " but sent " + bodyBytes + " bytes");
                }
                try {
                    to.close();
                } catch (IOException e) {
                    return clientLeft(head.status(), e);
                }
                return new Ending.Done(head.status());
            } catch (ClientWriteException e) {
                return clientLeft(head.status(), e.getCause());
            } finally {
                idle.cancel();
                trace.emit(new TraceEvent.GeneralResponseEntityBuffer(latin1(firstBytes.toByteArray()), bodyBytes));
            }
        }

        /** The first bytes of the body, for GENERAL_RESPONSE_ENTITY_BUFFER. */
        private void keepFirstBytes(ByteBuffer b) {
            int room = ENTITY_BUFFER_BYTES - firstBytes.size();
            if (room <= 0) return;
            byte[] copy = new byte[Math.min(room, b.remaining())];
            b.get(b.position(), copy);
            firstBytes.write(copy, 0, copy.length);
        }

        private Ending clientLeft(int status, IOException e) {
            writeFailed = true;
            child.terminate(EndedBy.CLIENT_DISCONNECT, limits.killGrace());
            return new Ending.Broken(status, "the client went away: " + e.getMessage());
        }

        /** NPH: validate the status line, then relay every byte untouched; the connection closes after. */
        private Ending relayNph() {
            Watchdog.Deadline headerDeadline = watchdog.arm(limits.headerTimeout(), () -> {
                headerTimedOut = true;
                child.terminate(EndedBy.HEADER_TIMEOUT, limits.killGrace());
            });
            ReadableByteChannel out = Channels.newChannel(child.stdout());
            buf = RelayBuffers.take();
            int lineEnd = -1;
            // Reads until the status line's LF (or the line limit), appending: the buffer stays flipped later.
            buf.limit(Math.min(buf.capacity(), headerLimits.maxLineBytes() + 2));
            while (lineEnd < 0 && buf.position() < headerLimits.maxLineBytes()) {
                int from = buf.position();
                if (readMore(out, buf) < 0) break;
                for (int i = from; i < buf.position(); i++) if (buf.get(i) == '\n') { lineEnd = i; break; }
            }
            headerDeadline.cancel();
            buf.flip();
            headerBytes = new byte[buf.remaining()];
            buf.get(0, headerBytes);
            if (lineEnd < 0) return noHeaders();
            int len = lineEnd > 0 && headerBytes[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            NphStatusLine status;
            try {
                status = NphStatusLine.parse(headerBytes, 0, len);
            } catch (InvalidResponseHeadException e) {
                child.terminate(EndedBy.GATEWAY_REJECTED_OUTPUT, limits.killGrace());
                String quoted = ByteQuote.quote(e.offendingBytes(), 512);
                trace.emit(new TraceEvent.CgiInvalidHeaders(latin1(headerBytes), 1, e.reason()));
                log("cgi: invalid NPH status line: " + quoted + " (pid " + child.pid() + ", script "
                        + request.scriptFile() + ")");
                return new Ending.NoHead(exit -> new GatewayFailure.InvalidHeaders(headerBytes, 1, e.reason(), quoted));
            }
            trace.emit(new TraceEvent.CgiHeadersReceived(latin1(headerBytes)));
            Watchdog.Deadline idle = watchdog.arm(limits.idleTimeout(), () -> {
                idleTimedOut = true;
                child.terminate(EndedBy.IDLE_TIMEOUT, limits.killGrace());
            });
            try (WritableByteChannel raw = sink.beginRaw()) {
                int n = buf.remaining();
                while (n > 0) {
                    write(raw, buf);
                    bodyBytes += n;
                    idle.touch();
                    n = read(out, buf);
                    idle.pause();
                }
            } catch (ClientWriteException e) {
                return clientLeft(status.status(), e.getCause());
            } catch (IOException e) {
                return clientLeft(status.status(), e);
            } finally {
                idle.cancel();
            }
            if (idleTimedOut) return new Ending.Broken(status.status(), "NPH program stalled (idle timeout)");
            return new Ending.Done(status.status());
        }

        /** Request body → program stdin. When the program stops reading, the rest is still read and counted. */
        private void pumpStdin() {
            OutputStream in = child.stdin();
            boolean programReading = true;
            if (body != null) {
                byte[] buf = new byte[BUFFER];
                try {
                    int n;
                    while ((n = body.read(buf)) > 0) {
                        bytesFromClient += n;
                        if (programReading) {
                            try {
                                in.write(buf, 0, n);
                                bytesToProgram += n;
                            } catch (IOException e) {
                                programReading = false; // EPIPE: it exited or closed stdin
                            }
                        }
                    }
                } catch (IOException e) {
                    log("cgi: reading the request body failed after " + bytesFromClient + " bytes: " + e.getMessage());
                }
            }
            try {
                in.close();
            } catch (IOException ignored) {
                // The program already closed its end.
            }
            if (body != null) trace.emit(new TraceEvent.CgiRequestEntitySent(bytesToProgram));
        }

        private void pumpStderr() {
            String where = " (pid " + child.pid() + ", script " + request.scriptFile() + ")";
            stderr.drain(child.stderr(), line -> {
                log("cgi: stderr: " + line + where);
                if (stderrEvents++ < MAX_STDERR_EVENTS) trace.emit(new TraceEvent.CgiStderr(line));
            });
        }

        /**
         * The one cleanup path: stop the program if it still runs, wait for the pumps, reap, record.
         * A program that closed stdout but lingers gets the kill grace to exit on its own.
         */
        private ExitStatus close() {
            ExitStatus exit = await(limits.killGrace());
            if (exit == null) {
                child.terminate(EndedBy.LINGER_TIMEOUT, limits.killGrace());
                exit = await(limits.killGrace().plusSeconds(5));
            }
            // A grandchild can hold stderr open after the leader exited: end the group so the pump sees EOF.
            if (!join(stderrPump, Duration.ofSeconds(1))) {
                child.terminate(EndedBy.LINGER_TIMEOUT, Duration.ZERO);
                join(stderrPump, limits.killGrace().plusSeconds(5));
            }
            join(stdinPump, Duration.ofDays(1)); // bounded by the connection's own idle timeout
            child.closePipes();
            running.remove(child);
            if (exit == null) exit = await(Duration.ofSeconds(30));
            if (exit == null) exit = new ExitStatus(-1, 0, false, -1, -1);
            trace.emit(new TraceEvent.CgiExit(exit.exitCodeText(), exit.signalName(), exit.coreDumped(),
                    child.endedBy().name(), exit.cpuMillis(), exit.maxRssKiB()));
            if (exit.signalled() && child.endedBy() == EndedBy.SELF) {
                log("cgi: program killed by " + exit.describe() + " (pid " + child.pid() + ", script "
                        + request.scriptFile() + ")");
            }
            return exit;
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

        /** Launch failed: the client's body is still read so its connection stays usable. */
        private void drainBody() {
            if (body == null) return;
            byte[] buf = new byte[BUFFER];
            try {
                int n;
                while ((n = body.read(buf)) > 0) bytesFromClient += n;
            } catch (IOException ignored) {
                // The client is gone; nothing to answer.
            }
        }

        private ProgramReport report(ExitStatus exit, EndedBy endedBy) {
            return new ProgramReport(child == null ? -1 : child.pid(), spec.commandLine(), exit, endedBy,
                    bytesFromClient, bytesToProgram, headerBytes, bodyBytes, stderr.tail(),
                    System.nanoTime() - startNanos);
        }

        private void log(String message) { errorLog.log(requestId, message); }
    }

    /** How the relay ended, before the exit status is known. */
    private sealed interface Ending {
        record Done(int status) implements Ending {}

        record Redirect(String location) implements Ending {}

        record Broken(int status, String reason) implements Ending {}

        /** Failed before the head; the failure may need the exit status. */
        record NoHead(java.util.function.Function<ExitStatus, GatewayFailure> failure) implements Ending {
            GatewayFailure failure(ExitStatus exit) { return failure.apply(exit); }
        }
    }

    /** A write to the client failed: distinguished from a failed read of the program's stdout. */
    private static final class ClientWriteException extends RuntimeException {
        ClientWriteException(IOException cause) { super(cause); }

        @Override
        public synchronized IOException getCause() { return (IOException) super.getCause(); }
    }

    /** Writes all of {@code buf} (the sink blocks until it is taken). */
    private static void write(WritableByteChannel to, ByteBuffer buf) {
        try {
            while (buf.hasRemaining()) to.write(buf);
        } catch (IOException e) {
            throw new ClientWriteException(e);
        }
    }

    /**
     * Refills {@code buf} from the program's stdout and flips it for reading; a read error (our end closed
     * by a kill) counts as EOF. Returns the count read, or -1 (buffer left empty).
     */
    private static int read(ReadableByteChannel in, ByteBuffer buf) {
        buf.clear();
        int n = readMore(in, buf);
        buf.flip();
        return n;
    }

    /** One read appended at the buffer's position (no flip); -1 at EOF or on error. Never returns 0. */
    private static int readMore(ReadableByteChannel in, ByteBuffer buf) {
        try {
            int n;
            do {
                n = in.read(buf);
            } while (n == 0 && buf.hasRemaining());
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean join(Future<?> f, Duration d) {
        if (f == null) return true;
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

    private static List<ResponseHead.Header> endToEnd(List<ResponseHead.Header> headers) {
        List<ResponseHead.Header> out = new ArrayList<>(headers.size());
        for (ResponseHead.Header h : headers) {
            if (!HOP_BY_HOP.contains(h.name().toLowerCase(Locale.ROOT))) out.add(h);
        }
        return out;
    }

    static String responseHeadersText(int status, String reason, List<ResponseHead.Header> headers) {
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 ").append(status);
        if (reason != null && !reason.isEmpty()) sb.append(' ').append(reason);
        sb.append("\r\n");
        for (ResponseHead.Header h : headers) sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        return sb.toString();
    }

    static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }
}
