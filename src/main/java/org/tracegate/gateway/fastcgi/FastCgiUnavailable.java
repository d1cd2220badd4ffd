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

    /**
     * The server could not be reached: ENOENT, ECONNREFUSED, ETIMEDOUT …
     *
     * @param notStarted a managed pool's command could not be started (the errno is exec's), not a connect that failed
     */
    public record Unreachable(String address, String errnoName, String detail, boolean notStarted) implements Reason {
        public Unreachable(String address, String errnoName, String detail) { this(address, errnoName, detail, false); }
    }

    /** The server is shutting down: the application takes no more requests. */
    public record Closed() implements Reason {}

    /** A managed pool stopped by rapid-fail protection until {@code retryAt}. */
    public record Stopped(int failures, Instant retryAt, String lastCause) implements Reason {}
}
