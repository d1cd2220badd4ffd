package org.tracegate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate trace stop}: ends the running session and says where it is and what it holds. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the running trace session.")
final class TraceStopCommand implements Callable<Integer> {

    @Option(names = "--log-dir", paramLabel = "DIR", description = "The running server's --log-dir.")
    Path logDir;

    @Override
    public Integer call() {
        try {
            var s = new AdminClient(logDir).call("POST", "trace/stop", null);
            System.out.println("trace session stopped: " + s.path("file").asText());
            System.out.println("  events:  " + s.path("events").asLong() + " (requests: " + s.path("requests").asLong() + ")");
            System.out.println("  dropped: " + s.path("dropped").asLong());
            System.out.println("  size:    " + s.path("bytes").asLong() + " bytes of at most " + s.path("maxBytes").asLong()
                    + (s.path("truncated").asBoolean() ? " (TRUNCATED: the size limit was reached)" : ""));
            return 0;
        } catch (Exception e) {
            System.err.println("tracegate: trace stop: " + e.getMessage());
            return 1;
        }
    }
}
