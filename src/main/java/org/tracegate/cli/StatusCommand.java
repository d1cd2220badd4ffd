package org.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tracegate.text.LogText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate status}: the running server at a glance (GET /api/v1/summary). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running server's uptime, version, listeners, slots, queue, FastCGI pools, recent error rate and 502s by cause.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--log-dir", paramLabel = "DIR", description = "The running server's --log-dir (where its runtime file is).")
    Path logDir;

    @Option(names = "--json", description = "The API's JSON document (GET /api/v1/summary) as it is.")
    boolean json;

    /**
     * "/php/ → unix:/run/php/php8.2-fpm.sock (external): 2 busy, 0 idle of 2; queue 3 of 1000". The texts are escaped as
     * error.log's: they come from the config (a TOML string may spell an ESC or a CR as an escape) and from launch
     * errors that quote it, and go to the operator's terminal.
     */
    static String poolLine(JsonNode p) {
        StringBuilder sb = new StringBuilder();
        if (p.path("site").asInt() > 1) sb.append("site ").append(p.path("site").asInt()).append(' ');
        sb.append(LogText.escape(p.path("application").asText())).append(" → ")
                .append(LogText.escape(p.path("target").asText()))
                .append(" (").append(p.path("kind").asText()).append("): ")
                .append(p.path("busy").asInt()).append(" busy, ").append(p.path("idle").asInt()).append(" idle of ")
                .append(p.path("capacity").asInt()).append("; queue ").append(p.path("queue").path("length").asInt())
                .append(" of ").append(p.path("queue").path("capacity").asInt());
        if (p.hasNonNull("stoppedUntil")) {
            sb.append("; stopped by rapid-fail protection until ").append(p.path("stoppedUntil").asText());
        }
        if (p.hasNonNull("lastFailure")) {
            sb.append("; last failure: ").append(LogText.escape(p.path("lastFailure").asText()));
        }
        return sb.toString();
    }

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
            boolean first = true;
            for (JsonNode p : s.path("fastcgi")) {
                System.out.println((first ? "FastCGI:    " : "            ") + poolLine(p));
                first = false;
            }
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
