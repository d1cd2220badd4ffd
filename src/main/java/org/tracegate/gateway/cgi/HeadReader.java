package org.tracegate.gateway.cgi;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads a response head from a program's output under the header deadline. Knows nothing of processes:
 * CGI hands it a pipe, FastCGI the channel its STDOUT records feed. On {@link HeadRead.Complete} the buffer
 * holds the bytes that followed the head, between its position and limit, for the body relay.
 */
public final class HeadReader {
    private HeadReader() {}

    /** A CGI header block (RFC 3875 §6), parsed strictly by {@link ResponseHeadParser}. */
    public static HeadRead<ResponseHead> read(ReadableByteChannel in, ByteBuffer buf, ResponseHeadParser.Limits limits,
                                              Deadlines deadlines) {
        ResponseHeadParser parser = new ResponseHeadParser(limits);
        int consumed = 0;
        deadlines.headerStarted();
        try {
            // The parser gets a heap copy of what arrived during the header block only; the body stays in
            // the direct buffer.
            while (!parser.isComplete() && ByteChannels.refill(in, buf) > 0) {
                byte[] chunk = new byte[buf.remaining()];
                buf.get(0, chunk);
                consumed = parser.feed(chunk, 0, chunk.length);
            }
        } catch (InvalidResponseHeadException e) {
            return new HeadRead.Invalid<>(e, parser.received());
        } finally {
            deadlines.headerEnded();
        }
        if (!parser.isComplete()) return new HeadRead.Ended<>(parser.received());
        buf.position(consumed);
        return new HeadRead.Complete<>(parser.result(), parser.received());
    }

    /**
     * An NPH program's status line. Reads up to its LF, at most {@code maxLineBytes}; the buffer then holds
     * every byte read, the status line included, because an NPH response is relayed untouched.
     */
    public static HeadRead<NphStatusLine> readStatusLine(ReadableByteChannel in, ByteBuffer buf, int maxLineBytes,
                                                         Deadlines deadlines) {
        int lineEnd = -1;
        buf.clear().limit(Math.min(buf.capacity(), maxLineBytes + 2));
        deadlines.headerStarted();
        try {
            while (lineEnd < 0 && buf.position() < maxLineBytes) {
                int from = buf.position();
                if (ByteChannels.append(in, buf) < 0) break;
                for (int i = from; i < buf.position(); i++) {
                    if (buf.get(i) == '\n') {
                        lineEnd = i;
                        break;
                    }
                }
            }
        } finally {
            deadlines.headerEnded();
        }
        buf.flip();
        byte[] received = new byte[buf.remaining()];
        buf.get(0, received);
        if (lineEnd < 0) return new HeadRead.Ended<>(received);
        int len = lineEnd > 0 && received[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
        try {
            return new HeadRead.Complete<>(NphStatusLine.parse(received, 0, len), received);
        } catch (InvalidResponseHeadException e) {
            return new HeadRead.Invalid<>(e, received);
        }
    }
}
