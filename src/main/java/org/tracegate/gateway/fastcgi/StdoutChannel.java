package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.tracegate.gateway.fastcgi.FastCgiRecord.EndRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;

/**
 * One request's STDOUT stream as a channel, for HeadReader and BodyRelay; reading it also takes in the
 * request's STDERR records and its END_REQUEST. Read returns -1 once the request has ended — by
 * END_REQUEST, or by the connection failing, a protocol violation or our abandoning it — and never throws:
 * {@link #end()} says which. Only the thread driving the exchange reads.
 *
 * <p>The conversation's rules are {@link Conversation}'s, the record rules {@link RecordDecoder}'s.
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
    private final Conversation conversation;
    /** What the conversation's records say, as this channel takes them. */
    private final Conversation.Listener listener = new Conversation.Listener() {
        @Override
        public void stdout(byte[] content) { StdoutChannel.this.stdout(content); }

        @Override
        public void stderr(byte[] content) { events.stderr(content); }

        @Override
        public void ended(RequestEnd.Ended e) { end(e); }
    };
    private boolean headComplete;
    private volatile RequestEnd end;

    StdoutChannel(FastCgiConnection connection, int requestId, Events events) {
        this.connection = connection;
        this.requestId = requestId;
        this.events = events;
        this.conversation = new Conversation(requestId, connection.decoder());
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

    Stage stage() { return conversation.stage(stdoutBytes, headComplete); }

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
                conversation.accept(r, listener);
            } else {
                end(conversation.eof(stage()));
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
        if (!conversation.isStdoutData(r)) {
            deferred = r;
            return false;
        }
        stdout(((Stream) r).content());
        return true;
    }

    private void stdout(byte[] content) {
        pending = content;
        pendingAt = 0;
        stdoutBytes += pending.length;
    }

    private void end(RequestEnd e) {
        end = e;
        pending = null;
        events.ended(e);
    }
}
