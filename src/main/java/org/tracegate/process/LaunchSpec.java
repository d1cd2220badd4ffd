package org.tracegate.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: a fixed argv (never built from request data), the complete environment (nothing is inherited
 * from the server), the working directory, who it runs as and its resource limits.
 *
 * @param credentials null to run as the server itself; otherwise what {@link Credentials#forPrograms} returned
 * @param limits      applied right after the spawn; {@link ResourceLimits#DEFAULT} (no core files) unless given
 */
public record LaunchSpec(List<String> argv, Map<String, String> environment, Path workingDirectory,
                         Credentials credentials, ResourceLimits limits) {
    public LaunchSpec {
        if (argv.isEmpty()) throw new IllegalArgumentException("argv must name a program");
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(limits, "limits (ResourceLimits.INHERITED for none)");
    }

    /** As the server, with {@link ResourceLimits#DEFAULT}. */
    public LaunchSpec(List<String> argv, Map<String, String> environment, Path workingDirectory) {
        this(argv, environment, workingDirectory, null, ResourceLimits.DEFAULT);
    }

    public LaunchSpec withCredentials(Credentials c) {
        return new LaunchSpec(argv, environment, workingDirectory, c, limits);
    }

    public LaunchSpec withLimits(ResourceLimits l) {
        return new LaunchSpec(argv, environment, workingDirectory, credentials, l);
    }

    /** The command line as an operator would type it, for traces and logs. */
    public String commandLine() {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append('"').append(a.replace("\"", "\\\"")).append('"');
        }
        return sb.toString();
    }
}
