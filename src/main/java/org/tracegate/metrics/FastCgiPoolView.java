package org.tracegate.metrics;

import java.time.Instant;
import java.util.function.Supplier;

/**
 * One FastCGI application as the operator sees it, for the gauges, the summary API, the dashboard and
 * {@code tracegate status}. Read from Tracegate's own counters, never by asking the application: php-fpm's own status
 * page is served by a pool worker, so it times out exactly when every worker is busy.
 *
 * @param site          the {@code [[site]]} id (1 for the main one)
 * @param application   the mapping's URL prefix (bounded: the configuration fixes the set)
 * @param managed       processes Tracegate starts (true), or an external server's connections (false)
 * @param target        the external server's address, or the managed pool's command line
 * @param capacity      {@code maxInstances}: connections or processes at once
 * @param queueCapacity {@code queueLength}: requests that may wait
 * @param now           its state now
 */
public record FastCgiPoolView(int site, String application, boolean managed, String target, int capacity,
                              int queueCapacity, Supplier<Now> now) {

    /**
     * @param busy         connections leased, or processes serving a request
     * @param idle         kept connections, or processes waiting for a request
     * @param waiting      requests waiting for a connection, a process or a lane
     * @param stoppedUntil when a pool stopped by rapid-fail protection starts again; null when it runs
     * @param lastFailure  a managed pool's last unexpected process death or failed start; null when none yet
     */
    public record Now(int busy, int idle, int waiting, Instant stoppedUntil, String lastFailure) {}
}
