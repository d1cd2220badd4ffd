package org.tracegate.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A FastCGI application's limits, with IIS's names and defaults (FastCgiModule's &lt;application&gt;).
 *
 * @param maxInstances        processes (managed) or connections (external: each occupies one of the server's
 *                            workers) at once; default the CPU count
 * @param instanceMaxRequests a managed process is recycled after this many requests; default 200
 * @param idleTimeout         a managed process idle this long is stopped; default 300 s
 * @param activityTimeout     longest silence of the application while a request runs (before and after its
 *                            headers); default 70 s
 * @param requestTimeout      longest a request may take in all; default 90 s
 * @param queueLength         requests waiting for a free instance; beyond it, 503.2; default 1000
 * @param queueTimeout        longest wait for a free instance; default 10 s
 * @param rapidFailsPerMinute managed processes that die this often within a minute stop the pool (503.3) until
 *                            it recovers; default 10
 * @param monitorChangesTo    a file whose change restarts a managed pool (new processes, the running ones
 *                            finish their requests); null: none
 * @param sendAhead           an external server only: a request without a body that would wait for a connection is
 *                            written behind the request running on one instead, so the server's worker never waits
 *                            for Tracegate between requests; default false (docs/fastcgi.md, "Sending ahead")
 * @param requestBuffering    a request's whole body is read (into memory or a spool file) before it waits for an
 *                            instance, so a client that sends its body slowly holds no worker meanwhile; default true
 *                            (nginx's fastcgi_request_buffering, mod_fcgid). False: the body streams to the
 *                            application as it arrives (docs/fastcgi.md, "Request bodies")
 */
public record FastCgiPool(int maxInstances, int instanceMaxRequests, Duration idleTimeout, Duration activityTimeout,
                          Duration requestTimeout, int queueLength, Duration queueTimeout, int rapidFailsPerMinute,
                          Path monitorChangesTo, boolean sendAhead, boolean requestBuffering) {

    public FastCgiPool(int maxInstances, int instanceMaxRequests, Duration idleTimeout, Duration activityTimeout,
                       Duration requestTimeout, int queueLength, Duration queueTimeout, int rapidFailsPerMinute,
                       Path monitorChangesTo, boolean sendAhead) {
        this(maxInstances, instanceMaxRequests, idleTimeout, activityTimeout, requestTimeout, queueLength, queueTimeout,
                rapidFailsPerMinute, monitorChangesTo, sendAhead, true);
    }

    public FastCgiPool(int maxInstances, int instanceMaxRequests, Duration idleTimeout, Duration activityTimeout,
                       Duration requestTimeout, int queueLength, Duration queueTimeout, int rapidFailsPerMinute,
                       Path monitorChangesTo) {
        this(maxInstances, instanceMaxRequests, idleTimeout, activityTimeout, requestTimeout, queueLength, queueTimeout,
                rapidFailsPerMinute, monitorChangesTo, false, true);
    }

    /** The same with {@code requestBuffering} set. */
    public FastCgiPool withRequestBuffering(boolean v) {
        return new FastCgiPool(maxInstances, instanceMaxRequests, idleTimeout, activityTimeout, requestTimeout, queueLength,
                queueTimeout, rapidFailsPerMinute, monitorChangesTo, sendAhead, v);
    }

    public static FastCgiPool defaults() {
        return new FastCgiPool(Runtime.getRuntime().availableProcessors(), 200, Duration.ofSeconds(300),
                Duration.ofSeconds(70), Duration.ofSeconds(90), 1000, Duration.ofSeconds(10), 10, null, false, true);
    }
}
