package org.tracegate.http;

import java.time.Duration;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.ServerConfig;
import org.tracegate.gateway.ProgramPolicies;
import org.tracegate.gateway.fastcgi.ExternalPool;
import org.tracegate.gateway.fastcgi.FastCgiAddress;
import org.tracegate.gateway.fastcgi.FastCgiBackend;
import org.tracegate.trace.ErrorLog;

/** The backend for a {@code [[fastcgi]]} mapping: a connection pool to its address, or its managed processes. */
final class FastCgiBackends {
    /** A unix socket connects at once or not at all; a TCP connect gets this long. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private FastCgiBackends() {}

    static FastCgiBackend of(FastCgiMapping m, ServerConfig config, ProgramPolicies policies, ErrorLog errorLog) {
        if (!m.managed()) {
            return new ExternalPool(FastCgiAddress.parse(m.address()), m.pool().maxInstances(), m.pool().queueLength(),
                    CONNECT_TIMEOUT);
        }
        throw new IllegalArgumentException("fastcgi " + m.prefix() + ": managed pools (command = …) are not available yet");
    }
}
