package org.tracegate.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to start: a fixed argv (never built from request data), the complete environment
 * (nothing is inherited from the server) and the working directory.
 */
public record LaunchSpec(List<String> argv, Map<String, String> environment, Path workingDirectory) {
    public LaunchSpec {
        if (argv.isEmpty()) throw new IllegalArgumentException("argv must name a program");
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
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
