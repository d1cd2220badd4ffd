package org.tracegate.gateway.cgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The relays' reads and writes. A failed read of the program's output counts as its end (our end of the
 * pipe was closed by a kill); a failed write is the client's, and is thrown.
 */
final class ByteChannels {
    private ByteChannels() {}

    /** Refills {@code buf} and flips it for reading. Returns the count read, or -1 (buffer left empty). */
    static int refill(ReadableByteChannel in, ByteBuffer buf) {
        buf.clear();
        int n = append(in, buf);
        buf.flip();
        return n;
    }

    /** One read appended at the buffer's position (no flip); -1 at the end or on error, never 0. */
    static int append(ReadableByteChannel in, ByteBuffer buf) {
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

    /** Writes all of {@code buf}; the sink blocks until it is taken. */
    static void writeAll(WritableByteChannel to, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) to.write(buf);
    }
}
