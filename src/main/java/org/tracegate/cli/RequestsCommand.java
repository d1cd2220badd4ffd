package org.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate requests}: the running server's requests in flight (IIS's {@code appcmd list requests}). */
@Command(name = "requests", mixinStandardHelpOptions = true, subcommands = RequestsEndCommand.class,
        description = "List the requests in flight on the running server, oldest first.")
final class RequestsCommand implements Callable<Integer> {

    @Option(names = "--log-dir", paramLabel = "DIR", description = "The running server's --log-dir (where its runtime file is).")
    Path logDir;

    @Option(names = "--elapsed", paramLabel = "MS", description = "Only requests running at least this long.")
    long elapsed;

    @Option(names = "--json", description = "The API's JSON document (GET /api/v1/requests) as it is.")
    boolean json;

    @Option(names = "--show-query", description = "Show the URLs' queries (hidden by default: they may hold secrets).")
    boolean showQuery;

    @Override
    public Integer call() {
        try {
            JsonNode doc = new AdminClient(logDir).operator("GET", "api/v1/requests?elapsed=" + elapsed
                    + (showQuery ? "&query=show" : ""), null);
            if (json) {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
                return 0;
            }
            JsonNode rows = doc.path("requests");
            if (rows.isEmpty()) {
                System.out.println("no requests in flight" + (elapsed > 0 ? " for " + elapsed + " ms or longer" : ""));
                return 0;
            }
            String format = "%-36s %9s %-7s %-25s %8s %15s %-15s %s%n";
            System.out.printf(format, "ID", "AGE_MS", "VERB", "STAGE", "PID", "BYTES_IN/OUT", "CLIENT", "URL");
            for (JsonNode r : rows) {
                long pid = r.path("pid").asLong();
                System.out.printf(format, r.path("id").asText(), r.path("ageMillis").asLong(), r.path("verb").asText(),
                        r.path("stage").asText(), pid < 0 ? "-" : Long.toString(pid),
                        r.path("bytesIn").asLong() + "/" + r.path("bytesOut").asLong(), r.path("client").asText(),
                        r.path("url").asText());
            }
            return 0;
        } catch (Exception e) {
            System.err.println("tracegate: requests: " + e.getMessage());
            return 1;
        }
    }
}
