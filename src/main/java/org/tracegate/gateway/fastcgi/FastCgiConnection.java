package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValues;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.UnknownType;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.RequestTrace;

/**
 * One connection to a FastCGI server (unix-domain or TCP), in blocking mode on platform threads like the
 * CGI pumps, or {@link #bind bound} to the HTTP server's event loop, where a {@link PushExchange} runs a request
 * without any thread waiting on the socket. It carries one request at a time (php-fpm does not multiplex: FCGI_MPXS_CONNS = 0), several in
 * turn when the server keeps it (KEEP_CONN). With {@code sendAhead}, one more request may be written behind the one
 * running ({@link #claimAhead}); it is read only once that one is over. Records are written whole under a lock, since
 * the request thread, the stdin pump and an abort may all write; only the thread driving the current exchange reads.
 */
public final class FastCgiConnection implements AutoCloseable {
    private static final int READ_BUFFER = 64 * 1024;

    private final FastCgiAddress address;
    private final SocketChannel channel;
    private final RecordDecoder decoder = new RecordDecoder();
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER).limit(0);
    private final ReentrantLock writeLock = new ReentrantLock();
    private int lastRequestId;
    private int requests;
    private volatile boolean busy;
    /** Set once the socket is on the server's event loop ({@link #bind}): from then on it is non-blocking. */
    private volatile PushTransport push;
    /** The request sent ahead behind the running one, if any; guarded by this. */
    private AheadSlot ahead;
    /** An ABORT_REQUEST was written for the running request: nothing may be sent behind it; guarded by this. */
    private boolean noAhead;
    /** Told when a request's records are written ({@link #requestSent}); null without sendAhead. */
    private volatile Consumer<FastCgiConnection> onRequestSent;
    /** The script of the request running here since {@link #sentNanos}, for the pool's sendAhead; null: none known. */
    volatile String sentScript;
    volatile long sentNanos;

    private FastCgiConnection(FastCgiAddress address, SocketChannel channel) {
        this.address = address;
        this.channel = channel;
    }

    /**
     * Connects within {@code timeout}. A unix socket connects at once or fails: ENOENT (no socket file),
     * ECONNREFUSED (nobody listens), EAGAIN (its listen queue is full); a TCP connect that does not complete
     * in time is ETIMEDOUT.
     */
    public static FastCgiConnection open(FastCgiAddress address, Duration timeout) throws FastCgiConnectException {
        SocketAddress to = address.resolve();
        if (to instanceof InetSocketAddress i && i.isUnresolved()) {
            throw new FastCgiConnectException(address, "UNRESOLVED", "unknown host " + i.getHostString());
        }
        SocketChannel ch = null;
        try {
            ch = address.openChannel();
            ch.configureBlocking(false);
            if (!ch.connect(to) && !finishWithin(ch, timeout)) {
                throw new FastCgiConnectException(address, "ETIMEDOUT", "not connected within " + timeout.toMillis() + " ms");
            }
            ch.configureBlocking(true);
            // Records are written whole; Nagle would only delay the small ones (ABORT_REQUEST, the end of STDIN).
            if (to instanceof InetSocketAddress) ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new FastCgiConnection(address, ch);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new FastCgiConnectException(address, SocketErrors.errnoName(e), SocketErrors.detail(e));
        } catch (FastCgiConnectException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * Asks the server for FCGI_MAX_CONNS, FCGI_MAX_REQS and FCGI_MPXS_CONNS on a connection of its own, closed
     * as soon as the answer is in: php-fpm pins a worker to a connection that asked GET_VALUES, waiting for its
     * next record as for a request in progress, and the spec lets other servers close it instead. A server that
     * stays silent for {@code answerTimeout} (php-fpm does while every worker is busy) is Unanswered.
     */
    public static ValuesAnswer askValues(FastCgiAddress address, Duration connectTimeout, Duration answerTimeout)
            throws FastCgiConnectException {
        try (FastCgiConnection c = open(address, connectTimeout)) {
            return c.getValues(answerTimeout);
        }
    }

    /**
     * Starts the next request on this connection; the previous one must be finished.
     *
     * @param watchdog   times the abort grace
     * @param abortGrace how long the server has to answer ABORT_REQUEST before the connection is closed
     * @param log        the error log for this request (stderr lines, problems)
     */
    public FastCgiExchange start(ExchangeRequest request, Watchdog watchdog, Duration abortGrace, RequestTrace trace,
                                 Consumer<String> log) {
        if (!channel.isOpen()) throw new IllegalStateException("the connection to " + address + " is closed");
        int id = claim();
        return new FastCgiExchange(this, id, requests++, request, watchdog, abortGrace, trace, log);
    }

    /**
     * Starts the next request as a {@link PushExchange} (no body), on a connection {@link #bind bound} to the event
     * loop; {@link PushExchange#run} sends it. The previous request must be finished.
     */
    PushExchange startPush(ExchangeRequest request, Watchdog watchdog, Duration abortGrace, RequestTrace trace,
                           Consumer<String> log) {
        if (push == null) throw new IllegalStateException("the connection to " + address + " is not on the event loop");
        if (request.body() != null) throw new IllegalArgumentException("a request with a body runs on a lane");
        int id = claim();
        return new PushExchange(this, push, id, requests++, request, watchdog, abortGrace, trace, log);
    }

    /** The connection is the next request's: its id, 1..65535, then round again. The previous must be finished. */
    private int claim() {
        if (busy) throw new IllegalStateException("a request is still running on " + address);
        busy = true;
        if (push != null) push.idle(false);
        return nextId();
    }

    private int nextId() {
        lastRequestId = lastRequestId % 0xffff + 1;
        return lastRequestId;
    }

    /**
     * Starts a request sent ahead, behind the one running here, for the slot {@link #claimAhead} gave: its records
     * are written at once, it reads only when {@code slot} says the request before it is over.
     */
    PushExchange startAhead(AheadSlot slot, ExchangeRequest request, Watchdog watchdog, Duration abortGrace,
                            RequestTrace trace, Consumer<String> log) {
        if (push == null) throw new IllegalStateException("the connection to " + address + " is not on the event loop");
        if (request.body() != null) throw new IllegalArgumentException("a request with a body runs on a lane");
        int id = nextId();
        return new PushExchange(this, push, id, requests++, request, watchdog, abortGrace, trace, log, slot);
    }

    /** Room for one request behind the running one, or null: one is there already, or the running one was aborted. */
    synchronized AheadSlot claimAhead() {
        if (ahead != null || noAhead || !busy || !channel.isOpen()) return null;
        ahead = new AheadSlot();
        return ahead;
    }

    /** The running request is over: the slot behind it, if any, is handed on (and room is made for another). */
    synchronized AheadSlot takeAhead() {
        AheadSlot a = ahead;
        ahead = null;
        noAhead = false;
        return a;
    }

    /** Whether a request waits behind the running one: its records may follow END_REQUEST in the socket. */
    synchronized boolean hasAhead() { return ahead != null; }

    /**
     * Whether ABORT_REQUEST may be written for the running request: not when a request was sent behind it (php-fpm
     * would read the abort as the start of the request after it, and it would not stop a running script anyway).
     * Once it has said yes, no request is sent behind this one.
     */
    synchronized boolean mayAbort() {
        if (ahead != null) return false;
        noAhead = true;
        return true;
    }

    /** The request sent ahead runs now: the connection is busy again. */
    void resumed() {
        busy = true;
        if (push != null) push.idle(false);
    }

    /** The pool's hook: each request's records, once written, make room behind it ({@code sendAhead}). */
    void onRequestSent(Consumer<FastCgiConnection> hook) { this.onRequestSent = hook; }

    /** The running request's records are written (queued in order): a request may now be sent behind it. */
    void requestSent(String script) {
        Consumer<FastCgiConnection> hook = onRequestSent;
        if (hook == null) return;
        sentScript = script;
        sentNanos = System.nanoTime();
        hook.accept(this);
    }

    /** Whether a request is running (or sent ahead and not yet over) on this connection. */
    boolean busy() { return busy; }

    /** " (fastcgi unix:/run/php.sock, request 1, script /srv/a.php)": ends the log lines about one request. */
    String where(int requestId, String scriptFilename) {
        return " (fastcgi " + address + ", request " + requestId + ", script " + scriptFilename + ")";
    }

    /** The socket, to {@link #bind} it: made non-blocking first. */
    SocketChannel nonBlockingChannel() throws IOException {
        channel.configureBlocking(false);
        return channel;
    }

    /**
     * The socket is on the event loop now: {@link PushExchange}s read and write through {@code transport}, and
     * {@link #read}/{@link #write} wait on it for the requests that still run on a lane.
     */
    void bind(PushTransport transport) { this.push = transport; }

    /** Whether the socket is on the event loop ({@link #bind}). */
    public boolean bound() { return push != null; }

    /** Open and idle: the last request ended cleanly and the server kept the connection. */
    public boolean reusable() { return !busy && channel.isOpen(); }

    /** Whether the socket is still open. */
    boolean isOpen() { return channel.isOpen(); }

    /** Requests started on this connection. */
    public int requestsStarted() { return requests; }

    public FastCgiAddress address() { return address; }

    @Override
    public void close() {
        PushTransport t = push;
        if (t != null) t.close();
        closeQuietly(channel);
    }

    /** The next record, blocking; null at EOF (see {@link #decoder()} for where it stopped). */
    FastCgiRecord read() throws IOException, FastCgiProtocolException {
        while (true) {
            FastCgiRecord r = decoder.next(in);
            if (r != null) return r;
            in.clear();                                // next() returns null only once `in` is used up
            int n = push == null ? channel.read(in) : push.read(in);
            in.flip();
            if (n < 0) return null;
            if (n == 0) awaitReadable();               // only when bound: a blocking channel waits in read
        }
    }

    private void awaitReadable() {
        CompletableFuture<Void> readable = new CompletableFuture<>();
        push.demand(() -> readable.complete(null));
        readable.join();
    }

    /**
     * Push mode: reads what has arrived into the (used up) input buffer without waiting; -1 at EOF, 0 when nothing
     * has. Then {@link #readBuffered} decodes it.
     */
    int fill() throws IOException {
        in.clear();
        try {
            return push.read(in);
        } finally {
            in.flip();
        }
    }

    /**
     * Whether the server has closed its end since the last request (its EOF, or a reset, is waiting), checked without
     * waiting, between requests only (nothing unread). Over TCP a write into such a connection succeeds, so only this
     * tells a kept connection the server let go (php-fpm's pm.max_requests) before a request's body is read for it.
     */
    boolean closedByServer() {
        if (in.hasRemaining()) return false;
        try {
            if (push != null) return fill() < 0;
            in.clear();
            try {
                channel.configureBlocking(false);
                try {
                    return channel.read(in) < 0;
                } finally {
                    channel.configureBlocking(true);
                }
            } finally {
                in.flip();
            }
        } catch (IOException e) {
            return true;                               // ECONNRESET: gone too
        }
    }

    /** The next record among bytes already read, or null: never waits on the socket. */
    FastCgiRecord readBuffered() throws FastCgiProtocolException { return decoder.next(in); }

    /** Bytes read into the buffer and not yet handed to the decoder (push mode: decode them before reading again). */
    boolean hasBufferedBytes() { return in.hasRemaining(); }

    /** Bytes read but not yet decoded: anything after END_REQUEST makes the connection unfit for reuse. */
    boolean hasUnreadBytes() { return in.hasRemaining() || !decoder.atRecordBoundary(); }

    RecordDecoder decoder() { return decoder; }

    /** Writes all of {@code parts}, whole, under the write lock; blocks while the server does not read. */
    void write(ByteBuffer... parts) throws IOException {
        writeLock.lock();
        try {
            if (push != null) {
                CompletableFuture<IOException> written = new CompletableFuture<>();
                push.write(parts, written::complete);
                IOException failed = written.join();
                if (failed != null) throw failed;
                return;
            }
            long left = 0;
            for (ByteBuffer p : parts) left += p.remaining();
            while (left > 0) left -= channel.write(parts);
        } finally {
            writeLock.unlock();
        }
    }

    /** {@code b[off, off + len)} as stream records, without copying the content. */
    void writeStream(RecordType type, int requestId, byte[] b, int off, int len) throws IOException {
        List<ByteBuffer> parts = new ArrayList<>(3 * (len / RecordEncoder.MAX_WRITE_CONTENT + 1));
        for (int p = off, end = off + len; p < end; ) {
            int n = Math.min(RecordEncoder.MAX_WRITE_CONTENT, end - p);
            ByteBuffer h = ByteBuffer.allocate(FastCgiRecord.HEADER_BYTES);
            RecordEncoder.header(h, type, requestId, n);
            parts.add(h.flip());
            parts.add(ByteBuffer.wrap(b, p, n));
            parts.add(RecordEncoder.paddingBytes(RecordEncoder.padding(n)));
            p += n;
        }
        write(parts.toArray(ByteBuffer[]::new));
    }

    /** The exchange is over: keep the connection for the next request, or close it. */
    void finished(boolean keep) {
        busy = false;
        if (!keep) close();
        else if (push != null) push.idle(true);
    }

    private ValuesAnswer getValues(Duration timeout) {
        try {
            write(ByteBuffer.wrap(RecordEncoder.encode(new GetValues(
                    List.of(ServerValues.MAX_CONNS, ServerValues.MAX_REQS, ServerValues.MPXS_CONNS)))));
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_READ);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (true) {
                    FastCgiRecord r = decoder.next(in);
                    if (r instanceof GetValuesResult g) return new ValuesAnswer.Answered(values(g.values()));
                    if (r instanceof UnknownType u && u.unknownType() == RecordType.GET_VALUES.code()) {
                        return new ValuesAnswer.Unanswered("the server does not know GET_VALUES (it answered UNKNOWN_TYPE)");
                    }
                    if (r != null) return new ValuesAnswer.Unanswered("the server sent " + r.type() + " instead of GET_VALUES_RESULT");
                    in.clear();
                    int n = channel.read(in);
                    in.flip();
                    if (n < 0) return new ValuesAnswer.Unanswered("the server closed the connection without answering");
                    if (n > 0) continue;
                    long left = deadline - System.nanoTime();
                    if (left <= 0) return new ValuesAnswer.Unanswered("no answer within " + timeout.toMillis() + " ms");
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    selector.selectedKeys().clear();
                }
            }
        } catch (IOException e) {
            return new ValuesAnswer.Unanswered("the connection failed: " + SocketErrors.errnoName(e) + " ("
                    + SocketErrors.detail(e) + ")");
        } catch (FastCgiProtocolException e) {
            return new ValuesAnswer.Unanswered("the answer broke the protocol: " + e.getMessage());
        }
    }

    private static ServerValues values(List<Pair> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Pair p : pairs) m.putIfAbsent(p.name(), p.value());
        return new ServerValues(m);
    }

    private static boolean finishWithin(SocketChannel ch, Duration timeout) throws IOException {
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_CONNECT);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
                if (ch.finishConnect()) return true;
            }
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // Closing a socket we give up on; nothing to report.
        }
    }
}
