package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A response body channel that can end the response with its last bytes in the same write. Over Jetty that
 * is one syscall for head, body and end, and a Content-Length instead of chunked framing when nothing was
 * sent yet. {@link EndGatedSink} uses it when a FastCGI response is already whole in memory.
 */
public interface LastWriteChannel extends WritableByteChannel {
    /** Writes all of {@code src} and ends the response, as {@code write(src)} then {@code close()} would. */
    void writeLast(ByteBuffer src) throws IOException;
}
