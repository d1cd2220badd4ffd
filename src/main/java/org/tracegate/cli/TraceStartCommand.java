package org.tracegate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate trace start}: the ETW workflow's "start tracing", against a running server. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start recording every event of every matching request into a session file.")
final class TraceStartCommand implements Callable<Integer> {

    @Option(names = "--log-dir", paramLabel = "DIR", description = "The running server's --log-dir (where its runtime file is).")
    Path logDir;

    @Option(names = "--url", paramLabel = "PATTERN", description = "Only requests whose path matches this glob, e.g. /cgi-bin/*.")
    String url;

    @Option(names = "--areas", paramLabel = "AREAS", split = ",", description = "Areas to record: General,CGI (default: all).")
    List<String> areas = new ArrayList<>();

    @Option(names = "--output", paramLabel = "FILE", description = "The session file (default: a new file in the server's trace directory).")
    Path output;

    @Option(names = "--max-size", paramLabel = "MB", description = "The session file stops growing at this size (default 256).")
    long maxSizeMb = 256;

    @Override
    public Integer call() {
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("url", url);
            body.put("areas", areas);
            body.put("maxBytes", maxSizeMb << 20);
            if (output != null) body.put("output", output.toAbsolutePath().normalize().toString());
            var reply = new AdminClient(logDir).call("POST", "trace/start", body);
            System.out.println("trace session started: " + reply.path("file").asText());
            return 0;
        } catch (Exception e) {
            System.err.println("tracegate: trace start: " + e.getMessage());
            return 1;
        }
    }
}
