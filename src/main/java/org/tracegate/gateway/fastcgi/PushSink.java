package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.tracegate.gateway.cgi.ResponseHead;

/**
 * Where a {@link PushExchange} sends the response: as {@link org.tracegate.gateway.cgi.ResponseSink}, but no call
 * blocks. The HTTP layer implements both.
 */
public interface PushSink {
    /** Sets status and headers (hop-by-hop ones already removed); nothing is sent before the first write. */
    void start(int status, String reason, List<ResponseHead.Header> headers);

    /**
     * Sends {@code content} (which the sink owns until {@code done}); {@code last} ends the response, and before
     * anything was sent lets the HTTP layer frame it by Content-Length. {@code done} gets null, or why the client
     * could not be written to.
     */
    void write(ByteBuffer content, boolean last, Consumer<IOException> done);

    /** Registers an action to run when the client goes away before the response is done. */
    void onClientGone(Runnable action);
}
