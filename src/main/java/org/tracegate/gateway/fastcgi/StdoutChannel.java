package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.tracegate.gateway.fastcgi.FastCgiRecord.EndRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;
import org.tracegate.gateway.fastcgi.FastCgiRecord.UnknownType;

/**
 * One request's STDOUT stream as a channel, for HeadReader and BodyRelay; reading it also takes in the
 * request's STDERR records and its END_REQUEST. Read returns -1 once the request has ended — by
 * END_REQUEST, or by the connection failing, a protocol violation or our abandoning it — and never throws:
 * {@link #end()} says which. Only the thread driving the exchange reads.
 *
 * <p>The conversation is checked here, the record rules in {@link RecordDecoder}: a record for another
 * request id, a type a server does not send (BEGIN_REQUEST, PARAMS, STDIN, …), or data after its stream's
 * empty record is a violation. A late GET_VALUES_RESULT or an UNKNOWN_TYPE concerns the connection and is
 * skipped. The STDOUT empty record is optional before END_REQUEST: php-fpm never sends it.
 */
final class StdoutChannel implements ReadableByteChannel {

    /** What the exchange learns while STDOUT is read. */
    interface Events {
        /** A non-empty STDERR record's content, in order. */
        void stderr(byte[] content);

        /** The request ended; called once, on the reading thread. */
        void ended(RequestEnd end);

        /** Whether we closed the connection ourselves after an abort. */
        boolean abandoned();
    }

    private final FastCgiConnection connection;
    private final int requestId;
    private final Events events;
    private byte[] pending;
    /** A record read ahead that is not STDOUT data, handled on the next read. */
    private FastCgiRecord deferred;
    private int pendingAt;
    private long stdoutBytes;
    private boolean stdoutEnded;
    private boolean stderrEnded;
    private boolean headComplete;
    private volatile RequestEnd end;

    StdoutChannel(FastCgiConnection connection, int requestId, Events events) {
        this.connection = connection;
        this.requestId = requestId;
        this.events = events;
    }

    /**
     * Blocks until at least one STDOUT byte or the end; then also takes whatever further complete records
     * were already read, so one call can carry several small records.
     */
    @Override
    public int read(ByteBuffer dst) {
        int start = dst.position();
        while (dst.hasRemaining()) {
            if (pending != null) {
                int n = Math.min(dst.remaining(), pending.length - pendingAt);
                dst.put(pending, pendingAt, n);
                pendingAt += n;
                if (pendingAt == pending.length) pending = null;
            } else if (end != null) {
                break;
            } else if (dst.position() == start) {
                take();
            } else if (!readAhead()) {
                break;
            }
        }
        int n = dst.position() - start;
        return n > 0 ? n : end != null ? -1 : 0;
    }

    /** Reads STDOUT to the end of the request, dropping it; returns the bytes dropped. */
    long drain() {
        ByteBuffer scratch = ByteBuffer.allocate(8192);
        long n = 0;
        for (int r; (r = read(scratch.clear())) >= 0; ) n += r;
        return n;
    }

    /**
     * Whether everything the server will send for this request is read already: the request has ended, or
     * the next record in hand is its END_REQUEST and no STDOUT data is left before it. Then reading on
     * cannot wait on the server.
     */
    boolean restInHand() {
        return pending == null && (end != null || deferred instanceof EndRequest e && e.requestId() == requestId);
    }

    /** The header block was complete: a loss from now on is during the body. */
    void headComplete() { headComplete = true; }

    /** How the request ended, or null while it runs. */
    RequestEnd end() { return end; }

    long stdoutBytes() { return stdoutBytes; }

    Stage stage() {
        if (stdoutEnded) return Stage.AFTER_STDOUT;
        if (stdoutBytes == 0) return Stage.BEFORE_STDOUT;
        return headComplete ? Stage.IN_BODY : Stage.IN_HEAD;
    }

    @Override
    public boolean isOpen() { return end == null; }

    /** Closing the view changes nothing: the exchange's finish decides about the connection. */
    @Override
    public void close() {}

    /** Waits for the next record (or takes the one read ahead) and handles it. */
    private void take() {
        try {
            FastCgiRecord r = deferred != null ? deferred : connection.read();
            deferred = null;
            if (r != null) {
                accept(r);
            } else {
                RecordDecoder d = connection.decoder();
                end(new RequestEnd.ConnectionLost(stage(), "EOF", "the server closed the connection after "
                        + d.position() + " bytes, " + (d.atRecordBoundary() ? "between records" : "inside a record ("
                        + d.partialRecord() + ")")));
            }
        } catch (FastCgiProtocolException e) {
            end(new RequestEnd.ProtocolViolation(stage(), e));
        } catch (IOException e) {
            end(events.abandoned() ? new RequestEnd.Abandoned(stage())
                    : new RequestEnd.ConnectionLost(stage(), SocketErrors.errnoName(e), SocketErrors.detail(e)));
        }
    }

    /**
     * Takes STDOUT data among the bytes already read, without waiting; false when there is none. Anything
     * else is left for {@link #take} (a decoding error recurs there, the decoder being sticky), so a failure
     * or the end is judged only once the reader has seen every STDOUT byte before it, and the stage it
     * reports is where the response really stood.
     */
    private boolean readAhead() {
        if (deferred != null) return false;
        FastCgiRecord r;
        try {
            r = connection.readBuffered();
        } catch (FastCgiProtocolException e) {
            return false;
        }
        if (r == null) return false;
        if (!isStdoutData(r)) {
            deferred = r;
            return false;
        }
        stdout((Stream) r);
        return true;
    }

    private boolean isStdoutData(FastCgiRecord r) {
        return r instanceof Stream s && s.type() == RecordType.STDOUT && s.requestId() == requestId && !s.isEnd()
                && !stdoutEnded;
    }

    private void accept(FastCgiRecord r) throws FastCgiProtocolException {
        if (r instanceof GetValuesResult || r instanceof UnknownType) return;
        if (r.type().isManagement()) throw violation("a server does not send " + r.type());
        if (r.requestId() != requestId) {
            throw violation(r.type() + " record for request " + r.requestId() + ", but this connection's request is "
                    + requestId);
        }
        switch (r) {
            case Stream s when s.type() == RecordType.STDOUT -> {
                if (s.isEnd()) {
                    stdoutEnded = true;
                } else {
                    if (stdoutEnded) throw violation("STDOUT data after the empty record that ended STDOUT");
                    stdout(s);
                }
            }
            case Stream s when s.type() == RecordType.STDERR -> {
                if (s.isEnd()) {
                    stderrEnded = true;
                } else {
                    if (stderrEnded) throw violation("STDERR data after the empty record that ended STDERR");
                    events.stderr(s.content());
                }
            }
            case EndRequest e -> end(new RequestEnd.Ended(e.appStatus(), e.protocolStatus()));
            default -> throw violation("a server does not send " + r.type());
        }
    }

    private void stdout(Stream s) {
        pending = s.content();
        pendingAt = 0;
        stdoutBytes += pending.length;
    }

    private FastCgiProtocolException violation(String reason) {
        RecordDecoder d = connection.decoder();
        return new FastCgiProtocolException(d.lastRecordStart(), reason, d.lastHeader());
    }

    private void end(RequestEnd e) {
        end = e;
        pending = null;
        events.ended(e);
    }
}
