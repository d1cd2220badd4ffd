package org.tracegate.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to start: a fixed argv (never built from request data), the complete environment (nothing is inherited
 * from the server), the working directory, who it runs as and its resource limits.
 *
 * <p>Encodings: argv and the working directory are text, passed as UTF-8. Environment names and values are
 * octet strings, one char per byte (0–255), because a variable holds bytes and a request header's bytes
 * must reach the program unchanged: the native launcher writes {@code NAME=VALUE} as ISO-8859-1, byte for
 * char (a char above 255 would become '?'). The ProcessBuilder fallback can only pass text: it decodes the
 * octets as UTF-8, so bytes that are not valid UTF-8 arrive as U+FFFD's encoding instead.
 *
 * @param credentials null to run as the server itself; otherwise what {@link Credentials#forPrograms} returned
 * @param limits      applied right after the spawn; {@link ResourceLimits#DEFAULT} (no core files) unless given
 * @param listenSocket null: descriptor 0 is a pipe ({@link ChildProcess#stdin()}); otherwise the program's descriptor 0
 *                    is this listening socket (a FastCGI application, FCGI_LISTENSOCK_FILENO), its stdin() a null
 *                    stream, and stdout and stderr stay pipes. The native launcher and the spawn helper support it;
 *                    the ProcessBuilder fallback refuses it
 */
public record LaunchSpec(List<String> argv, Map<String, String> environment, Path workingDirectory,
                         Credentials credentials, ResourceLimits limits, ListeningSocket listenSocket) {
    public LaunchSpec {
        if (argv.isEmpty()) throw new IllegalArgumentException("argv must name a program");
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(limits, "limits (ResourceLimits.INHERITED for none)");
    }

    /** Descriptor 0 a pipe. */
    public LaunchSpec(List<String> argv, Map<String, String> environment, Path workingDirectory, Credentials credentials,
                      ResourceLimits limits) {
        this(argv, environment, workingDirectory, credentials, limits, null);
    }

    /** As the server, with {@link ResourceLimits#DEFAULT}. */
    public LaunchSpec(List<String> argv, Map<String, String> environment, Path workingDirectory) {
        this(argv, environment, workingDirectory, null, ResourceLimits.DEFAULT);
    }

    public LaunchSpec withCredentials(Credentials c) {
        return new LaunchSpec(argv, environment, workingDirectory, c, limits, listenSocket);
    }

    /** The same spec with {@code s} as the program's descriptor 0 instead of a stdin pipe (a FastCGI application). */
    public LaunchSpec withListenSocket(ListeningSocket s) {
        return new LaunchSpec(argv, environment, workingDirectory, credentials, limits, s);
    }

    public LaunchSpec withLimits(ResourceLimits l) {
        return new LaunchSpec(argv, environment, workingDirectory, credentials, l, listenSocket);
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
