package org.tracegate.gateway.fastcgi;

import java.time.Duration;
import org.tracegate.trace.RequestTrace;

/**
 * Where a FastCGI application's connections come from: an external server's bounded connection pool
 * ({@link ExternalPool}), or processes Tracegate starts and recycles itself ({@link ManagedPool}). The gateway leases one
 * connection per request and gives it back with the request's report, which says whether it can be reused.
 */
public interface FastCgiBackend extends AutoCloseable {

    /**
     * A connection for one request, waiting at most {@code wait} for a free one (a fair queue).
     *
     * @throws FastCgiUnavailable why none could be had: the queue is full or the wait too long, the server
     *                            cannot be reached, or the pool is stopped
     */
    Lease lease(Duration wait) throws FastCgiUnavailable;

    /**
     * As {@link #lease(Duration)}; a managed pool records in {@code trace} what it did for the request (a process
     * started: FASTCGI_PROCESS_STARTED). {@code trace} may be null.
     */
    default Lease lease(Duration wait, RequestTrace trace) throws FastCgiUnavailable { return lease(wait); }

    /** The request on {@code lease} is over; {@code report} says whether its connection may carry another. */
    void release(Lease lease, ExchangeReport report);

    /**
     * As {@link #release(Lease, ExchangeReport)}; a managed pool records in {@code trace} what became of the process
     * (FASTCGI_PROCESS_RECYCLED, FASTCGI_PROCESS_DIED). {@code trace} may be null.
     */
    default void release(Lease lease, ExchangeReport report, RequestTrace trace) { release(lease, report); }

    /**
     * After {@link #release}: whether the instance on {@code lease} ended by itself after its last request (a managed
     * process's exit with status 0, not a signal and not our kill), so that it cannot have run this request.
     */
    default boolean endedByItself(Lease lease) { return false; }

    /** Ends this request's instance at once (a worker that timed out): a managed process is killed and replaced. */
    default void endInstance(Lease lease) { lease.connection().close(); }

    /**
     * How busy the backend is now, from its own counters: never by asking the application (php-fpm's status page is
     * served by a pool worker, so it times out exactly when every worker is busy).
     */
    Occupancy occupancy();

    /**
     * @param busy         connections leased (external) or processes serving a request (managed)
     * @param idle         kept connections, or processes waiting for a request
     * @param waiting      requests waiting in the backend itself for a connection or a process
     * @param stoppedUntil when a managed pool stopped by rapid-fail protection starts again; null when it runs
     * @param lastFailure  a managed pool's last unexpected process death or failed start; null when none yet
     */
    record Occupancy(int busy, int idle, int waiting, java.time.Instant stoppedUntil, String lastFailure) {}

    /** "unix:/run/php/php8.2-fpm.sock", or "/usr/bin/php-cgi (managed, 4 instances)". */
    String describe();

    @Override
    void close();

    /**
     * One connection lent for one request.
     *
     * @param connection    the connection
     * @param pid           the application process on the other end, or -1 when unknown (an external server)
     * @param requestNumber which request this is for that process or connection, from 1
     * @param fresh         whether the connection (or the process) was made for this request
     * @param commandLine   what the other end is, for traces: the command line, or the address
     * @param instance      the backend's own handle for the instance (null for an external server)
     * @param ahead         the room behind a running request that this one is sent into ({@code sendAhead}), or null
     *                      when the connection is this request's alone
     */
    record Lease(FastCgiConnection connection, long pid, int requestNumber, boolean fresh, String commandLine,
                 Object instance, AheadSlot ahead) {
        public Lease(FastCgiConnection connection, long pid, int requestNumber, boolean fresh, String commandLine,
                     Object instance) {
            this(connection, pid, requestNumber, fresh, commandLine, instance, null);
        }
    }
}
