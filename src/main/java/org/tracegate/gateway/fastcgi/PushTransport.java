package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A connection's socket on an event loop (the HTTP server's selector), so that no thread sleeps in a socket call
 * while the application works: it says when bytes can be read, and writes without blocking. The HTTP layer
 * implements it; {@link PushExchange} drives a request over it, and {@link FastCgiConnection} offers blocking reads
 * and writes over it for the requests that still run on a lane (those with a body).
 */
public interface PushTransport {
    /** Reads what has arrived, without waiting (as {@link java.nio.channels.SocketChannel#read}): 0 when nothing has, -1 at EOF. */
    int read(ByteBuffer into) throws IOException;

    /** Runs {@code readable} once, when bytes (or EOF, or a failure) can be read, on the event loop's thread. */
    void demand(Runnable readable);

    /** Writes all of {@code parts} in order after any earlier write; then {@code done} gets null, or why it failed. */
    void write(ByteBuffer[] parts, Consumer<IOException> done);

    /**
     * Whether the connection is between requests (kept, unused): the server may close such a one when it shuts down,
     * never one carrying a request.
     */
    default void idle(boolean idle) {}

    /** Closes the socket; a pending {@link #demand} then runs (its read fails). */
    void close();
}
