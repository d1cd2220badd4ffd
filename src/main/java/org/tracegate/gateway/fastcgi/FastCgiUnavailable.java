package org.tracegate.gateway.fastcgi;

import java.time.Duration;
import java.time.Instant;

/** Why no connection to a FastCGI application could be leased; the gateway turns it into a failure. */
public final class FastCgiUnavailable extends Exception {
    private final transient Reason reason;

    public FastCgiUnavailable(Reason reason) {
        super(reason.toString(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() { return reason; }

    public sealed interface Reason {}

    /** Every instance busy, and the queue full or the wait over. */
    public record Busy(int instances, Duration waited) implements Reason {}

    /** The server could not be reached: ENOENT, ECONNREFUSED, ETIMEDOUT … */
    public record Unreachable(String address, String errnoName, String detail) implements Reason {}

    /** The server is shutting down: the application takes no more requests. */
    public record Closed() implements Reason {}

    /** A managed pool stopped by rapid-fail protection until {@code retryAt}. */
    public record Stopped(int failures, Instant retryAt, String lastCause) implements Reason {}
}
