package org.tracegate.gateway.cgi;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Where a program's response goes; the HTTP layer implements it. Streams are blocking and apply
 * back-pressure (callers run on virtual threads).
 */
public interface ResponseSink {

    /**
     * Commits status and headers (hop-by-hop headers already removed) and returns the body stream.
     * Closing the stream ends the response cleanly.
     */
    OutputStream begin(int status, String reason, List<ResponseHead.Header> headers) throws IOException;

    /**
     * For NPH programs: the raw connection, bypassing our framing. The connection is closed after the
     * program ends.
     */
    OutputStream beginRaw() throws IOException;

    /** Registers an action to run when the client goes away before the response is done. */
    void onClientGone(Runnable action);
}
