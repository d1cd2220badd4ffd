package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.tracegate.gateway.cgi.BodyRelay;
import org.tracegate.gateway.cgi.Deadlines;
import org.tracegate.gateway.cgi.HeadRead;
import org.tracegate.gateway.cgi.HeadReader;
import org.tracegate.gateway.cgi.MetaVariables;
import org.tracegate.gateway.cgi.RelayEnd;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseHeadParser;
import org.tracegate.gateway.cgi.ResponseSink;
import org.tracegate.gateway.cgi.StdinPump;
import org.tracegate.gateway.fastcgi.FastCgiRecord.AbortRequest;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.RequestTrace;

/**
 * One FastCGI request (RESPONDER role) on a {@link FastCgiConnection}, all its state in one object like
 * CgiGateway's Run. The gateway drives it from its request thread:
 * <ol>
 *   <li>{@link FastCgiConnection#start} sends BEGIN_REQUEST and the PARAMS (and, without a body, the end of
 *       STDIN) in one write, and starts streaming the body as STDIN on a pump thread;</li>
 *   <li>{@link #readHead} parses the header block from STDOUT with CGI's strict parser;</li>
 *   <li>{@link #relayBody} relays the body with CGI's relay, or {@link #discardBody} drops it when the gateway
 *       answers itself (php-fpm's "Primary script unknown" is a 404 head with that line on STDERR);</li>
 *   <li>{@link #finish}, always and once: the one close path, which returns the facts.</li>
 * </ol>
 * {@link #abort} may come from any thread at any time (ResponseSink.onClientGone, a Deadlines cut).
 *
 * <p>STDERR is handled as it arrives, record by record ({@link StderrRecords}: CGI's bounded capture, so nothing is
 * cut at 1 KiB), synchronously, so that {@link #stderrTail} is complete once the head is read.
 */
public final class FastCgiExchange {
    /** Platform threads, as for the CGI pumps: blocking socket and body I/O must not pin virtual carriers. */
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("fcgi-pump-", 0).factory());

    private final FastCgiConnection connection;
    private final int requestId;
    private final int priorRequests;
    private final boolean keepConn;
    private final Watchdog watchdog;
    private final Duration abortGrace;
    private final RequestTrace trace;
    private final Consumer<String> log;
    /** " (fastcgi unix:/run/php.sock, request 1, script /srv/a.php)": ends the log lines about this request. */
    private final String where;
    private final long startNanos = System.nanoTime();
    private final StdoutChannel stdout;
    private final StdinRecords stdin;
    private final StderrRecords stderr;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private StdinPump stdinPump;
    private Future<?> stdinDone;
    private volatile boolean abandoned;
    private volatile Watchdog.Deadline abortDeadline;
    private boolean finished;

    FastCgiExchange(FastCgiConnection connection, int requestId, int priorRequests, ExchangeRequest request,
                    Watchdog watchdog, Duration abortGrace, RequestTrace trace, Consumer<String> log) {
        this.connection = connection;
        this.requestId = requestId;
        this.priorRequests = priorRequests;
        this.keepConn = request.keepConn();
        this.watchdog = watchdog;
        this.abortGrace = abortGrace;
        this.trace = trace;
        this.log = log;
        this.where = connection.where(requestId, request.params().get(MetaVariables.SCRIPT_FILENAME));
        this.stderr = new StderrRecords(trace, log, () -> where, request.stderrLogBytes());
        this.stdout = new StdoutChannel(connection, requestId, new Events());
        this.stdin = new StdinRecords(connection, requestId, () -> stdout.end() != null || aborted.get());
        send(request);
    }

    /** The header block, parsed strictly (RFC 3875 §6) under the header deadline; as for CGI. */
    public HeadRead<ResponseHead> readHead(ByteBuffer buf, ResponseHeadParser.Limits limits, Deadlines deadlines) {
        HeadRead<ResponseHead> read = HeadReader.read(stdout, buf, limits, deadlines);
        if (read instanceof HeadRead.Complete<ResponseHead>) stdout.headComplete();
        return read;
    }

    /**
     * Relays the body after {@link #readHead}, as for CGI. The response is ended cleanly only when the
     * request ended with END_REQUEST (REQUEST_COMPLETE); when STDOUT stopped otherwise (a killed worker) it is
     * left open, even if BodyRelay reports Completed, and {@link #finish}'s end says what happened.
     */
    public RelayEnd relayBody(ByteBuffer buf, ResponseHead head, String method, ResponseSink sink, Deadlines deadlines) {
        EndGatedSink gated = new EndGatedSink(sink, this::endedCleanly, stdout::restInHand);
        RelayEnd end = BodyRelay.relay(stdout, buf, head, method, gated, deadlines, trace);
        if (!(end instanceof RelayEnd.Completed) || !endedCleanly()) {
            try {
                gated.flushHeld();                     // what the client would have had before the relay stopped
            } catch (IOException e) {
                // The client is gone; the relay's end already says how the response ended.
            }
        }
        return end;
    }

    /**
     * Reads and drops the rest of STDOUT up to END_REQUEST under the idle deadline, keeping the connection fit
     * for reuse; for a response the gateway replaces with its own. Returns the body bytes dropped.
     */
    public long discardBody(ByteBuffer buf, Deadlines deadlines) {
        long dropped = buf.remaining();
        deadlines.bodyStarted();
        try {
            while (true) {
                deadlines.awaitingProgram();
                int n = stdout.read(buf.clear());
                deadlines.programAnswered();
                if (n < 0) break;
                dropped += n;
            }
        } finally {
            deadlines.bodyEnded();
            buf.clear();
        }
        return dropped;
    }

    /**
     * Gives up on the request: sends ABORT_REQUEST and closes the connection if no END_REQUEST comes within
     * the abort grace (php-fpm reads nothing while a script runs, so for it the close is what counts: the
     * script then fails at its next output). Never blocks; a no-op once the request has ended.
     */
    public void abort() {
        if (stdout.end() != null || !aborted.compareAndSet(false, true)) return;
        abortDeadline = watchdog.arm(abortGrace, this::abandon);
        // Written from a pump thread: the write waits while the stdin pump holds the lock on a full socket.
        PUMPS.execute(() -> {
            try {
                connection.write(ByteBuffer.wrap(RecordEncoder.encode(new AbortRequest(requestId))));
            } catch (IOException e) {
                // The connection is gone already; the grace closes our end.
            }
        });
    }

    /**
     * The request faulted (a bug) before {@link #finish}: its STDERR is over all the same, so the operator still hears
     * how much of it was not logged, as on the push path.
     */
    public void faulted() { stderr.over(); }

    /** STDERR so far (its last 8 KiB), e.g. to recognise php-fpm's "Primary script unknown" after the head. */
    public String stderrTail() { return stderr.tail(); }

    /**
     * The one close path: if the request has not ended, aborts it and drops STDOUT until it does (or the
     * grace closes the connection); keeps the connection only when KEEP_CONN was asked, END_REQUEST said
     * REQUEST_COMPLETE, nothing was aborted, nothing follows END_REQUEST and all of STDIN went out before
     * it; closes it otherwise; waits for the stdin pump. Call exactly once.
     */
    public ExchangeReport finish() {
        if (finished) throw new IllegalStateException("finish called twice for request " + requestId + where);
        finished = true;
        if (stdout.end() == null) {
            abort();
            stdout.drain();
        }
        Watchdog.Deadline d = abortDeadline;
        if (d != null) d.cancel();
        stderr.over();
        RequestEnd end = stdout.end();
        // Kept only by winning the abort flag: an abort() racing with END_REQUEST (a deadline, the client leaving)
        // then writes no ABORT_REQUEST onto a connection that may already carry the next request.
        boolean keep = keepConn && endedCleanly() && !connection.hasUnreadBytes() && stdinComplete()
                && aborted.compareAndSet(false, true);
        connection.finished(keep);                     // a close also wakes a stdin pump blocked on the socket
        join(stdinDone);
        long fromClient = stdinPump == null ? 0 : stdinPump.bytesFromClient();
        long toServer = stdinPump == null ? 0 : stdinPump.bytesToProgram();
        return new ExchangeReport(connection.address(), requestId, priorRequests, end, fromClient, toServer,
                stdout.stdoutBytes(), stderr.bytes(), stderr.tail(), keep && connection.reusable(),
                System.nanoTime() - startNanos);
    }

    private void send(ExchangeRequest request) {
        byte[] head = RecordEncoder.requestHead(requestId, keepConn, request.params(), request.body() == null);
        if (request.body() == null) stdin.sentWithParams();
        // A kept connection the server closed since (php-fpm's pm.max_requests): over TCP the head's write would
        // succeed and the body would be read for nothing, so found now it is left unread, as after EPIPE below.
        if (priorRequests > 0 && request.body() != null && connection.closedByServer()) {
            log.accept("fastcgi: the kept connection was closed by the server since its last request; the request was"
                    + " not sent on it" + where);
            return;
        }
        try {
            connection.write(ByteBuffer.wrap(head));
        } catch (IOException e) {
            // Reading STDOUT will report how the connection ended; a server that refused us may still have answered.
            log.accept("fastcgi: sending the request failed: " + SocketErrors.errnoName(e) + " (" + SocketErrors.detail(e)
                    + ")" + where);
            // Without its PARAMS whole the server cannot have started it: the body is left unread, so that a request
            // that found its kept connection closed (php-cgi's PHP_FCGI_MAX_REQUESTS) may be sent again with it.
            return;
        }
        if (request.body() != null) {
            stdinPump = new StdinPump(request.body(), stdin, trace, log);
            stdinDone = PUMPS.submit(stdinPump);
        }
    }

    /**
     * Whether all of STDIN went out. A pump that had sent everything may be a moment from saying so when
     * END_REQUEST arrives, so it gets the abort grace; one still sending is refused from END_REQUEST on and
     * never completes, and its leftovers could reach the next request.
     */
    private boolean stdinComplete() {
        if (stdinDone != null && !stdin.complete()) {
            try {
                stdinDone.get(abortGrace.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return stdin.complete();
    }

    private boolean endedCleanly() {
        return RequestEnd.completed(stdout.end());
    }

    /** The abort grace expired: close the connection unless the request ended meanwhile. */
    private void abandon() {
        if (stdout.end() != null) return;
        abandoned = true;
        connection.close();
    }

    private static void join(Future<?> f) {
        if (f == null) return;
        try {
            f.get(1, TimeUnit.DAYS);                   // bounded by the client connection's own idle timeout
        } catch (TimeoutException e) {
            throw new IllegalStateException("stdin pump never ended", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("stdin pump failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called by the stdout channel, on the request thread. */
    private final class Events implements StdoutChannel.Events {
        @Override
        public void stderr(byte[] content) { stderr.take(content); }

        @Override
        public void ended(RequestEnd end) {
            if (!(end instanceof RequestEnd.Ended)) connection.close(); // a broken connection carries nothing more
        }

        @Override
        public boolean abandoned() { return abandoned; }
    }
}
