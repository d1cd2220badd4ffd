package org.tracegate.gateway.cgi;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * Where a program's response goes; the HTTP layer implements it. Channels, not streams, so a direct
 * buffer read from the pipe reaches the socket without a copy into the heap. Writes block until the
 * whole buffer is taken (back-pressure) and consume it; callers run on pooled platform threads.
 */
public interface ResponseSink {

    /**
     * Commits status and headers (hop-by-hop headers already removed) and returns the body channel.
     * Closing the channel ends the response cleanly.
     */
    WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) throws IOException;

    /**
     * For NPH programs: the raw connection, bypassing our framing. The connection is closed after the
     * program ends.
     */
    WritableByteChannel beginRaw() throws IOException;

    /** Registers an action to run when the client goes away before the response is done. */
    void onClientGone(Runnable action);
}
