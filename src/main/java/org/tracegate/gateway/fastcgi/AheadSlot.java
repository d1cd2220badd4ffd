package org.tracegate.gateway.fastcgi;

import java.util.function.Consumer;

/**
 * The one request sent ahead on a kept connection behind the request running there ({@code sendAhead}): its
 * records wait in the socket, so php-fpm's worker reads them the moment it has written the END_REQUEST before —
 * it never idles while Tracegate reads that answer and picks the next request (bench/README.md, "Sending ahead").
 * It begins when the request before it is over; which of the two (that end, or the exchange registering) comes
 * first is not known, so whichever comes second starts it.
 */
public final class AheadSlot {
    private Consumer<Boolean> begin;   // guarded by this
    private Boolean resendable;        // guarded by this; null while the request before it runs

    /** The exchange sent ahead: {@code begin} runs once the request before it is over (now, if it already is). */
    void registered(Consumer<Boolean> begin) {
        Boolean over;
        synchronized (this) {
            this.begin = begin;
            over = resendable;
        }
        if (over != null) begin.accept(over);
    }

    /**
     * The request before it is over. {@code resendable}: whether the server cannot have started this one (the
     * connection was kept, or lost before that request's END_REQUEST), so that a failure before any output may
     * send it again on a fresh connection.
     */
    void over(boolean resendable) {
        Consumer<Boolean> b;
        synchronized (this) {
            this.resendable = resendable;
            b = begin;
        }
        if (b != null) b.accept(resendable);
    }
}
