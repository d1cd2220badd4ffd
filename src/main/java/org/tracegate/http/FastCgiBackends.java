package org.tracegate.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.ProgramPolicies;
import org.tracegate.gateway.ProgramPolicy;
import org.tracegate.gateway.fastcgi.ExternalPool;
import org.tracegate.gateway.fastcgi.FastCgiAddress;
import org.tracegate.gateway.fastcgi.FastCgiBackend;
import org.tracegate.gateway.fastcgi.ManagedPool;
import org.tracegate.gateway.fastcgi.PushBinder;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.trace.ErrorLog;

/** The backend for a {@code [[fastcgi]]} mapping: a connection pool to its address, or its managed processes. */
final class FastCgiBackends {
    /** A unix socket connects at once or not at all; a TCP connect gets this long. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private FastCgiBackends() {}

    /**
     * @param launcher starts a managed pool's processes, as it starts CGI programs: their user and limits are the
     *                 global program policy's
     * @param binder   puts an external server's connections on the site's selector (see {@link SiteConnector})
     */
    static FastCgiBackend of(FastCgiMapping m, ServerConfig config, ProgramPolicies policies, ErrorLog errorLog,
                             ProcessLauncher launcher, PushBinder binder) {
        if (!m.managed()) {
            return new ExternalPool(FastCgiAddress.parse(m.address()), m.pool().maxInstances(), m.pool().queueLength(),
                    CONNECT_TIMEOUT, binder, m.pool().sendAhead());
        }
        try {
            // No core files from pool processes: crash dumps are captured for CGI programs, whose one request is
            // known; a long-lived worker's core would be left in its working directory for nobody.
            ProgramPolicy g = policies.global();
            ProgramPolicy noCores = new ProgramPolicy(g.runAs(), g.runAsText(), g.rlimits().withCoreBytes(0), g.limits(),
                    g.suexec(), g.environment());
            return new ManagedPool(m, launcher, noCores, System.getenv(), errorLog::log,
                    config.limits().killGrace(), config.limits().shutdownGrace());
        } catch (IOException e) {
            throw new UncheckedIOException("fastcgi " + m.describe() + ": cannot make its private socket directory", e);
        }
    }
}
