package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tracegate.gateway.cgi.BodyRelay;
import org.tracegate.gateway.cgi.Cutoff;
import org.tracegate.gateway.cgi.Deadlines;
import org.tracegate.gateway.cgi.HeadRead;
import org.tracegate.gateway.cgi.InvalidResponseHeadException;
import org.tracegate.gateway.cgi.MetaVariables;
import org.tracegate.gateway.cgi.RelayEnd;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseHeadParser;
import org.tracegate.gateway.fastcgi.FastCgiRecord.AbortRequest;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * One FastCGI request without a body, driven by events on the HTTP server's event loop instead of a thread that
 * waits on the socket: bytes arrive → records → CGI's strict head parser (fed as they come) → the body to a
 * {@link PushSink}, whose completion reads on (back-pressure: nothing more is read from the application while the
 * client has not taken what it was sent). Why: a lane sleeping in {@code read} and being woken for every request
 * cost Tracegate twice nginx's CPU per request on two cores (bench/README.md, "FastCGI").
 *
 * <p>It gives the same facts as {@link FastCgiExchange} — the head read, how the relay ended, the
 * {@link ExchangeReport} — judged by the same rules: the conversation's ({@link Conversation}), the body rules
 * of {@link BodyRelay} (declared Content-Length, HEAD, 204/304, the output limit), the same bounded STDERR capture,
 * ABORT_REQUEST on a cut with the connection closed after the abort grace, and the connection kept only after a clean
 * END_REQUEST with nothing after it. {@link FastCgiGateway} judges both alike.
 *
 * <p>Every event (bytes readable, a client write done, a deadline cut, the grace) runs through one
 * {@link SerialRunner}, so the state below is only ever touched by one thread at a time.
 */
public final class PushExchange {
    /** Socket reads in one turn before the selector gets its thread back (1 MiB with the 64 KiB buffer). */
    private static final int MAX_FILLS = 16;
    private static final byte[] NONE = new byte[0];

    /** How the request went: {@code head} null only if it never got that far; {@code relay} null without a body relayed. */
    public record Result(HeadRead<ResponseHead> head, RelayEnd relay, boolean replaced, ExchangeReport report) {}

    /** What the gateway decides once the head is in. */
    public interface HeadPolicy {
        /**
         * The head to relay, or null when the gateway answers itself and the body is dropped (php-fpm's "Primary
         * script unknown"); {@code stderrTail} gives STDERR so far (its last 8 KiB).
         */
        ResponseHead accepted(ResponseHead head, byte[] headerBytes, Supplier<String> stderrTail);
    }

    private enum Phase { HEAD, BODY, DISCARD, DRAIN, DONE }

    private final FastCgiConnection connection;
    private final PushTransport transport;
    private final int requestId;
    private final int priorRequests;
    private final Map<String, String> params;
    private final boolean keepConn;
    private final Watchdog watchdog;
    private final Duration abortGrace;
    private final RequestTrace trace;
    private final Consumer<String> log;
    private String where;
    /** When the request became the connection's: its start, or for one sent ahead, when the one before it ended. */
    private long startNanos = System.nanoTime();
    private final StderrRecords stderr;
    private final List<ByteBuffer> held = new ArrayList<>(4);
    private final Conversation conversation;
    private final Conversation.Listener listener = new Conversation.Listener() {
        @Override
        public void stdout(byte[] content) { PushExchange.this.stdout(content); }

        @Override
        public void stderr(byte[] content) { stderr.take(content); }

        @Override
        public void ended(RequestEnd.Ended e) { PushExchange.this.ended(e); }
    };
    private final SerialRunner serial = new SerialRunner(this::faulted);
    private Consumer<Throwable> fault;
    private boolean requestSent;
    private boolean abortAsked;
    private ResponseHeadParser parser;
    private Deadlines deadlines;
    private String method;
    private PushSink sink;
    private HeadPolicy policy;
    private Consumer<Result> done;
    private Consumer<ExchangeReport> handOff;
    private ExchangeReport report;

    private Phase phase = Phase.HEAD;
    private HeadRead<ResponseHead> head;
    private RelayEnd relay;
    private RequestEnd end;
    private boolean replaced;
    private boolean writing;
    private boolean bodyAllowed;
    private long declared = -1;
    private long sent;
    private byte[] first = NONE;
    private boolean idleArmed;
    private boolean idleOver;
    private boolean relayed;
    private long stdoutBytes;
    private boolean aborted;
    private boolean abortWritten;
    private boolean abandoned;
    /** Sent ahead behind another request (null: not): reads only once that one is over. */
    private final AheadSlot behind;
    private boolean begun;
    private Watchdog.Deadline abortDeadline;

    PushExchange(FastCgiConnection connection, PushTransport transport, int requestId, int priorRequests,
                 ExchangeRequest request, Watchdog watchdog, Duration abortGrace, RequestTrace trace, Consumer<String> log) {
        this(connection, transport, requestId, priorRequests, request, watchdog, abortGrace, trace, log, null);
    }

    /** @param behind the slot of a request sent ahead ({@link FastCgiConnection#startAhead}), or null */
    PushExchange(FastCgiConnection connection, PushTransport transport, int requestId, int priorRequests,
                 ExchangeRequest request, Watchdog watchdog, Duration abortGrace, RequestTrace trace, Consumer<String> log,
                 AheadSlot behind) {
        this.behind = behind;
        this.connection = connection;
        this.transport = transport;
        this.requestId = requestId;
        this.priorRequests = priorRequests;
        this.params = request.params();
        this.keepConn = request.keepConn();
        this.watchdog = watchdog;
        this.abortGrace = abortGrace;
        this.trace = trace;
        this.log = log;
        this.conversation = new Conversation(requestId, connection.decoder());
        this.stderr = new StderrRecords(trace, log, this::where, request.stderrLogBytes());
    }

    /**
     * Sends the request and returns at once; {@code done} hears how it went (on whichever thread ends it), or
     * {@code fault} of a bug of ours, after which the connection is closed and {@code done} is not called. After a
     * clean END_REQUEST, {@code handOff} gets the report first, before the client is sent the end of the response:
     * the connection is free then (kept or closed as the report says), and must be given back at once; {@code done}
     * follows with the same report.
     *
     * @param deadlines whose cuts call {@link #abort}: the header deadline is started here, the idle one with the body
     */
    public void run(ResponseHeadParser.Limits limits, Deadlines deadlines, String method, PushSink sink, HeadPolicy policy,
                    Consumer<ExchangeReport> handOff, Consumer<Result> done, Consumer<Throwable> fault) {
        this.parser = new ResponseHeadParser(limits);
        this.deadlines = deadlines;
        this.method = method;
        this.sink = sink;
        this.policy = policy;
        this.done = done;
        this.handOff = handOff;
        this.fault = fault;
        serial.run(this::send);
    }

    /**
     * Gives up on the request (a deadline, the client, the operator): ABORT_REQUEST, then the grace. Any thread, any
     * time: asked before the request is sent, it is aborted right after.
     */
    public void abort() { serial.run(this::abortNow); }

    /**
     * A task threw (a bug of ours): the connection is closed unless it was handed on, and the gateway is told. STDERR
     * ends here as in {@link #finish}: the operator still hears how much of it was not logged.
     */
    private void faulted(Throwable t) {
        if (phase == Phase.DONE) return;
        phase = Phase.DONE;
        stderr.over();
        if (report == null) connection.finished(false);
        fault.accept(t);
    }

    private void send() {
        byte[] request = RecordEncoder.requestHead(requestId, keepConn, params, true);
        transport.write(new ByteBuffer[] {ByteBuffer.wrap(request)}, failed -> {
            // Reading will report how the connection ended; a server that refused us may still have answered.
            if (failed != null) {
                log.accept("fastcgi: sending the request failed: " + SocketErrors.errnoName(failed) + " ("
                        + SocketErrors.detail(failed) + ")" + where());
            }
        });
        requestSent = true;
        if (behind != null) {
            behind.registered(resend -> serial.run(() -> begin(resend)));
            return;
        }
        begun = true;
        deadlines.headerStarted();
        // Aborted first (its client left while it was being written): then nothing is sent behind it.
        if (abortAsked) abortNow();
        connection.requestSent(params.get(MetaVariables.SCRIPT_FILENAME));
        awaitApplication();
    }

    /**
     * A request sent ahead: the one before it is over, so this one is the connection's now (or, if that one left the
     * connection closed, this one's first read fails and says so). Its header deadline starts here.
     */
    private void begin(boolean resend) {
        if (phase == Phase.DONE) return;
        begun = true;
        startNanos = System.nanoTime();            // the resend window counts from here, not from the wait behind
        deadlines.headerStarted();
        if (!connection.isOpen()) {
            ended(new RequestEnd.LostAhead(resend));
            return;
        }
        connection.resumed();
        if (abortAsked) abortNow();
        connection.requestSent(params.get(MetaVariables.SCRIPT_FILENAME));
        readable();
    }

    private void awaitApplication() {
        if (idleArmed && !idleOver) deadlines.awaitingProgram();
        transport.demand(() -> serial.run(this::readable));
    }

    /** Takes every record that has arrived; reads the socket only once those are used up. */
    private void readable() {
        if (phase == Phase.DONE || writing) return;
        if (idleArmed && !idleOver) deadlines.programAnswered();
        int fills = 0;
        while (phase != Phase.DONE && !writing) {
            FastCgiRecord r;
            try {
                r = connection.readBuffered();
                if (r != null) {
                    conversation.accept(r, listener);
                    continue;
                }
            } catch (FastCgiProtocolException e) {
                ended(new RequestEnd.ProtocolViolation(stage(), e));
                return;
            }
            if (flush(false)) return;                  // the body so far goes out first; its completion reads on
            if (++fills > MAX_FILLS) {                 // a body dropped (HEAD, a drain) must not keep the selector either
                awaitApplication();
                return;
            }
            int n;
            try {
                n = connection.fill();
            } catch (IOException e) {
                ended(abandoned ? new RequestEnd.Abandoned(stage())
                        : new RequestEnd.ConnectionLost(stage(), SocketErrors.errnoName(e), SocketErrors.detail(e)));
                return;
            }
            if (n < 0) {
                ended(abandoned ? new RequestEnd.Abandoned(stage()) : conversation.eof(stage()));
                return;
            }
            if (n == 0) {
                awaitApplication();
                return;
            }
        }
    }

    private void stdout(byte[] b) {
        stdoutBytes += b.length;
        if (phase == Phase.HEAD) headBytes(b);
        else if (phase == Phase.BODY) body(b, 0, b.length);
        // DISCARD, DRAIN: dropped
    }

    private void headBytes(byte[] b) {
        int consumed;
        try {
            consumed = parser.feed(b, 0, b.length);
        } catch (InvalidResponseHeadException e) {
            deadlines.headerEnded();
            head = new HeadRead.Invalid<>(e, parser.received());
            phase = Phase.DRAIN;
            abortNow();
            return;
        }
        if (!parser.isComplete()) return;
        deadlines.headerEnded();
        byte[] headerBytes = parser.received();
        head = new HeadRead.Complete<>(parser.result(), headerBytes);
        ResponseHead h = policy.accepted(parser.result(), headerBytes, stderr::tail);
        deadlines.bodyStarted();
        idleArmed = true;
        if (h == null) {
            replaced = true;
            phase = Phase.DISCARD;
            return;
        }
        List<ResponseHead.Header> headers = BodyRelay.endToEnd(h.headers());
        sink.start(h.status(), h.reason(), headers);
        trace.emit(new TraceEvent.GeneralResponseHeaders(BodyRelay.headersText(h.status(), h.reason(), headers)));
        bodyAllowed = !"HEAD".equals(method) && h.status() != 204 && h.status() != 304;
        declared = h.contentLength();
        relayed = true;
        phase = Phase.BODY;
        if (consumed < b.length) body(b, consumed, b.length - consumed);
    }

    /** BodyRelay's rules: the declared length, the output limit; a HEAD's body is counted, not sent. */
    private void body(byte[] b, int off, int len) {
        if (declared >= 0 && sent + len > declared) {
            stopBody(new RelayEnd.TooLong(declared, sent));
            return;
        }
        if (!deadlines.outputWithin(sent + len)) {
            stopBody(new RelayEnd.Cut(Cutoff.OUTPUT_LIMIT, sent));
            return;
        }
        ByteBuffer part = ByteBuffer.wrap(b, off, len);
        first = BodyRelay.keepFirst(first, part);
        if (bodyAllowed) held.add(part);
        sent += len;
    }

    /** The relay stops before the request ended: what the client would have had goes out, the rest is dropped. */
    private void stopBody(RelayEnd why) {
        relay = why;
        phase = Phase.DRAIN;
        abortNow();
        if (!flush(false)) bodyOver();
    }

    /**
     * Sends what is held: all that one read brought, or with the end of the response in one write (a small page is one
     * write to the client, framed by Content-Length). True when a write is now under way; its completion goes on.
     */
    private boolean flush(boolean last) {
        if (held.isEmpty() && !last) return false;
        ByteBuffer out = switch (held.size()) {
            case 0 -> ByteBuffer.allocate(0);
            case 1 -> held.getFirst();
            default -> {
                int n = 0;
                for (ByteBuffer p : held) n += p.remaining();
                ByteBuffer all = ByteBuffer.allocate(n);
                for (ByteBuffer p : held) all.put(p);
                yield all.flip();
            }
        };
        held.clear();
        writing = true;
        sink.write(out, last, failed -> serial.run(() -> written(failed, last)));
        return true;
    }

    private void written(IOException failed, boolean last) {
        writing = false;
        if (phase == Phase.DONE) return;               // a fault ended it meanwhile
        if (failed != null && relay == null) relay = new RelayEnd.ClientLeft(failed, sent);
        else if (last && relay == null) relay = new RelayEnd.Completed(sent);
        if (relay != null) bodyOver();
        if (end != null) {
            finish();
            return;
        }
        if (relay != null && phase != Phase.DRAIN) {
            phase = Phase.DRAIN;
            abortNow();
        }
        // Back to the selector between reads, rather than reading on here: a stream from a fast application to a fast
        // client would otherwise keep this thread, and every other connection on the selector would wait.
        if (connection.hasBufferedBytes()) readable();
        else awaitApplication();
    }

    /** The request ended (END_REQUEST, or the connection failed): how the relay ends follows from where it stood. */
    private void ended(RequestEnd e) {
        end = e;
        if (!(e instanceof RequestEnd.Ended)) connection.close(); // a broken connection carries nothing more
        switch (phase) {
            case HEAD -> {
                deadlines.headerEnded();
                head = new HeadRead.Ended<>(parser.received());
                finish();
            }
            case BODY -> {
                Cutoff cut = deadlines.cutoff();
                if (cut != null) relay = new RelayEnd.Cut(cut, sent);
                else if (bodyAllowed && declared >= 0 && sent != declared) relay = new RelayEnd.TooShort(declared, sent);
                else if (!RequestEnd.completed(end)) relay = new RelayEnd.Completed(sent); // left open: the gateway aborts it
                if (relay == null) {
                    // The clean end. The connection goes to the next request before the client is written to, so
                    // php-fpm's worker starts on it while we send this response: Completed once the client has it.
                    connectionOver();
                    handOff.accept(report);
                    flush(true);
                } else if (!flush(false)) {
                    bodyOver();
                    finish();
                }
            }
            default -> finish();
        }
    }

    private void bodyOver() {
        if (idleArmed && !idleOver) {
            idleOver = true;
            deadlines.bodyEnded();
        }
        if (relayed) {
            relayed = false;
            trace.emit(new TraceEvent.GeneralResponseEntityBuffer(new String(first, StandardCharsets.ISO_8859_1), sent));
        }
    }

    private void abortNow() {
        if (!requestSent || !begun) {                  // a request sent ahead is aborted once it is the connection's
            abortAsked = true;
            return;
        }
        if (end != null || aborted || phase == Phase.DONE) return;
        aborted = true;
        abortDeadline = watchdog.arm(abortGrace, () -> serial.run(this::abandon));
        if (!connection.mayAbort()) return;            // a request waits behind: the grace alone decides
        abortWritten = true;
        transport.write(new ByteBuffer[] {ByteBuffer.wrap(RecordEncoder.encode(new AbortRequest(requestId)))}, failed -> {
            // The connection is gone already; the grace closes our end.
        });
    }

    /** The abort grace expired: close the connection unless the request ended meanwhile; the read then fails. */
    private void abandon() {
        if (end != null) return;
        abandoned = true;
        connection.close();
    }

    /** The one close path, once the request has ended and no write is under way. */
    private void finish() {
        if (phase == Phase.DONE) return;
        phase = Phase.DONE;
        bodyOver();
        stderr.over();
        connectionOver();
        try {
            done.accept(new Result(head, relay, replaced, report));
        } catch (RuntimeException | Error e) {
            fault.accept(e);                           // faulted() would see DONE and tell nobody: the request would hang
        }
    }

    /**
     * The connection's part is over: kept only after a clean END_REQUEST with nothing after it, else closed; the
     * report is made. Once; the connection is not touched after this (it may already carry the next request).
     */
    private void connectionOver() {
        if (report != null) return;
        Watchdog.Deadline d = abortDeadline;
        if (d != null) d.cancel();
        // After END_REQUEST only the answer of a request sent ahead may follow; after our ABORT_REQUEST nothing may.
        boolean keep = keepConn && RequestEnd.completed(end) && !abortWritten
                && (connection.hasAhead() || !connection.hasUnreadBytes());
        connection.finished(keep);
        report = new ExchangeReport(connection.address(), requestId, priorRequests, end, 0, 0, stdoutBytes,
                stderr.bytes(), stderr.tail(), keep && connection.reusable(), System.nanoTime() - startNanos);
    }

    /** Ends this request's log lines; made when first needed (most requests log nothing). */
    private String where() {
        if (where == null) where = connection.where(requestId, params.get(MetaVariables.SCRIPT_FILENAME));
        return where;
    }


    private Stage stage() { return conversation.stage(stdoutBytes, head instanceof HeadRead.Complete<ResponseHead>); }

}
