package org.tracegate.gateway.cgi;

import java.io.IOException;

/** How a body relay ended. Only {@link Completed} ended the response cleanly; the others leave it to be aborted. */
public sealed interface RelayEnd {

    /** Body bytes the program sent and we relayed (counted, not written, for HEAD, 204 and 304). */
    long bodyBytes();

    /** The program's output ended and so did the response. */
    record Completed(long bodyBytes) implements RelayEnd {}

    /** The output ended because the gateway cut it short. */
    record Cut(Cutoff cutoff, long bodyBytes) implements RelayEnd {}

    /** The program sent more than its declared Content-Length; the excess was not relayed. */
    record TooLong(long declared, long bodyBytes) implements RelayEnd {}

    /** The output ended short of the declared Content-Length. */
    record TooShort(long declared, long bodyBytes) implements RelayEnd {}

    /** The sink refused to start the response: the client was already gone. */
    record NotStarted(IOException cause) implements RelayEnd {
        public long bodyBytes() { return 0; }
    }

    /** A write to the client failed. The sink may still hold the relay buffer, so it must not be reused. */
    record ClientLeft(IOException cause, long bodyBytes) implements RelayEnd {}
}
