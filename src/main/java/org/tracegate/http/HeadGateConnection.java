package org.tracegate.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.NanoTime;

/**
 * Jetty's HTTP/1.1 connection, except that each request head is gathered on the selector thread before Jetty
 * parses it, so a client trickling its head costs no pool thread until the head is complete.
 *
 * <p>Why: Jetty reads without blocking, but every time a connection becomes readable it runs the parser in a
 * task on its thread pool (the parse and the handler share that task, and our handlers block). 1,500 slow
 * connections whose bytes arrive at the same moment are 1,500 tasks at once, and the pool starts a thread for
 * each one it finds no idle thread for: measured, the pool went to its maximum (336) within a second of such a
 * burst (bench/slowloris.sh). Here, when Jetty waits for the next request (parser at START, nothing buffered), the
 * wait is registered with a non-blocking callback instead: it runs on the selector thread, reads what arrived
 * into a small buffer of its own (512 bytes, doubling up to the connection's input buffer size) and looks for the
 * blank line that ends a head — leading empty lines (RFC 9112 §2.2) skipped. Only then, or at end of stream, a
 * read error, or a head longer than the input buffer, are the bytes handed to Jetty's request buffer (the
 * connection's {@code onUpgradeTo}, which appends them) and Jetty's own read task dispatched, which parses and
 * handles exactly as if it had read them itself. Bodies, pipelined requests and everything after the head are
 * Jetty's, unchanged. One difference shows: a request line Jetty would refuse (garbage, HTTP/0.9) is refused once
 * its head ends (or at the head deadline, 408), not at its first line end.
 *
 * <p>For {@link HeadDeadline}: when the current request's head began (its first byte, empty lines included) and
 * how many bytes it has, while it is in the gate and after, until Jetty has the whole head.
 */
final class HeadGateConnection extends HttpConnection {
    private static final int FIRST_CAPACITY = 512;

    private final Callback gate = new Gate();
    // The selector thread's alone (one gate read at a time; handed over with happens-before via the executor).
    private ByteBuffer head; // Jetty's flush mode: the bytes are position..limit
    private boolean started; // a byte other than CR or LF seen
    private boolean afterLineEnd; // the last byte ended a line (CRs ignored): another LF ends the head
    // For the deadline sweep.
    private volatile long headBeganNanos; // 0: no head begun since the last request
    private volatile long headRequest; // getMessagesIn() when it began: the head is done once that moves
    private volatile int headBytes;

    HeadGateConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
        super(config, connector, endPoint);
    }

    @Override
    public void fillInterested(Callback callback) {
        HttpParser parser = getParser();
        if (parser.isStart() && parser.getHeaderLength() == 0 && isRequestBufferEmpty()) {
            // Waiting for a new request: the gate reads it.
            headBeganNanos = 0;
            headBytes = 0;
            started = false;
            afterLineEnd = false;
            super.fillInterested(gate);
        } else {
            super.fillInterested(callback);
        }
    }

    /** When the head under way began ({@link NanoTime}), or 0. */
    long headBeganNanos() { return headBeganNanos; }

    /** The connection's request count when the head began: while it is unchanged, the head is not complete. */
    long headRequest() { return headRequest; }

    /** Bytes of the head read by the gate. */
    int headBytes() { return headBytes; }

    private void register() { super.fillInterested(gate); }

    /** Reads what is there; true when Jetty should have it now. */
    private boolean gather() throws IOException {
        EndPoint endPoint = getEndPoint();
        while (true) {
            if (head == null) head = BufferUtil.allocate(FIRST_CAPACITY);
            if (BufferUtil.space(head) == 0) {
                int max = getInputBufferSize();
                if (head.capacity() >= max) return true; // longer than the gate holds: Jetty reads the rest
                head = BufferUtil.ensureCapacity(head, Math.min(max, head.capacity() * 2));
            }
            int from = head.limit();
            int n = endPoint.fill(head);
            if (n < 0) return true; // end of stream: Jetty answers it as it would have
            if (n == 0) return false;
            if (headBeganNanos == 0) {
                headRequest = getMessagesIn();
                headBeganNanos = NanoTime.now();
            }
            headBytes += n;
            if (endsHead(from, head.limit())) return true;
        }
    }

    private boolean endsHead(int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = head.get(i);
            if (!started) {
                if (b != '\r' && b != '\n') started = true;
            } else if (b == '\n') {
                if (afterLineEnd) return true;
                afterLineEnd = true;
            } else if (b != '\r') {
                afterLineEnd = false;
            }
        }
        return false;
    }

    private void handOver() {
        ByteBuffer bytes = head;
        head = null;
        if (bytes != null && bytes.hasRemaining()) onUpgradeTo(bytes); // appends to Jetty's request buffer
        // HttpConnection.run(): onFillable, as if its own read had found them. With a non-blocking handler tree (the
        // site's is: SiteHandler hands what blocks to the pool) that runs here on the selector thread, as Jetty's own
        // read would; a pool thread woken per request was a context switch each.
        if (getServer().getInvocationType() == org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING) {
            run();
        } else {
            getExecutor().execute(this);
        }
    }

    /** Runs on the selector thread: must not block. */
    private final class Gate implements Callback {
        @Override
        public void succeeded() {
            boolean complete;
            try {
                complete = gather();
            } catch (IOException | RuntimeException e) {
                if (!getEndPoint().isOpen()) { // closed under us (the head deadline, say): nothing to hand over
                    head = null;
                    return;
                }
                complete = true; // Jetty meets the failure on its own read
            }
            if (complete) {
                handOver();
            } else {
                register();
            }
        }

        @Override
        public void failed(Throwable cause) {
            head = null;
            onFillInterestedFailed(cause);
        }

        @Override
        public InvocationType getInvocationType() { return InvocationType.NON_BLOCKING; }

        @Override
        public String toString() { return "HeadGate@" + Integer.toHexString(HeadGateConnection.this.hashCode()); }
    }
}
