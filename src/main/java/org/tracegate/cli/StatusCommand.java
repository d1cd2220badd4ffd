package org.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate status}: the running server at a glance (GET /api/v1/summary). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running server's uptime, version, listeners, slots, queue, recent error rate and 502s by cause.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--log-dir", paramLabel = "DIR", description = "The running server's --log-dir (where its runtime file is).")
    Path logDir;

    @Option(names = "--json", description = "The API's JSON document (GET /api/v1/summary) as it is.")
    boolean json;

    @Override
    public Integer call() {
        try {
            AdminClient client = new AdminClient(logDir);
            JsonNode s = client.operator("GET", "api/v1/summary", null);
            if (json) {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(s));
                return 0;
            }
            JsonNode server = s.path("server");
            System.out.println("Tracegate " + server.path("version").asText() + ", pid " + server.path("pid").asLong()
                    + ", up " + server.path("uptimeSeconds").asLong() + " s (since " + server.path("started").asText() + ")");
            System.out.println("config:     " + (server.path("config").isNull() ? "(none: flags and defaults)"
                    : server.path("config").asText()) + ", loaded " + server.path("configLoaded").asText());
            StringBuilder listeners = new StringBuilder();
            server.path("listeners").forEach(l -> listeners.append(listeners.isEmpty() ? "" : " ").append(l.asText()));
            System.out.println("listeners:  " + listeners + " (operator " + client.operatorUrl() + ")");
            JsonNode slots = s.path("slots"), queue = s.path("queue");
            System.out.println("CGI slots:  " + slots.path("busy").asInt() + " busy, " + slots.path("free").asInt() + " free of "
                    + slots.path("capacity").asInt() + "; queue " + queue.path("length").asInt() + " of "
                    + queue.path("capacity").asInt() + " (mean wait " + queue.path("waitMeanMillis").asDouble() + " ms)");
            System.out.println("in flight:  " + s.path("inFlight").asInt());
            s.path("windows").properties().forEach(w -> {
                JsonNode v = w.getValue();
                System.out.printf(java.util.Locale.ROOT, "last %-4s  %d requests, %.3f/s, errors %.1f %%, p50 %.1f ms, p99 %.1f ms%n",
                        w.getKey() + ":", v.path("requests").asLong(), v.path("requestsPerSecond").asDouble(),
                        v.path("errorRate").asDouble() * 100, v.path("p50Millis").asDouble(), v.path("p99Millis").asDouble());
            });
            System.out.println("crash loops tripped: " + s.path("crashLoopsTripped").asLong());
            boolean any = false;
            for (JsonNode c : s.path("badGateways")) {
                if (c.path("count").asLong() == 0) continue;
                if (!any) System.out.println("502s by cause:");
                any = true;
                JsonNode latest = c.path("latest");
                System.out.println("  " + c.path("statusCode").asText() + " " + c.path("cause").asText() + ": "
                        + c.path("count").asLong() + (latest.isNull() ? "" : " (latest " + latest.path("requestId").asText()
                        + ", " + client.operatorUrl() + latest.path("trace").asText().substring(1) + ")"));
            }
            if (!any) System.out.println("502s by cause: none");
            return 0;
        } catch (Exception e) {
            System.err.println("tracegate: status: " + e.getMessage());
            return 1;
        }
    }
}
