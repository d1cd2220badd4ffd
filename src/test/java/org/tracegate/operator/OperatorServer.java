package org.tracegate.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tracegate.admin.SessionManager;
import org.tracegate.config.ServerConfig;
import org.tracegate.config.TraceRule;
import org.tracegate.failtrace.FailedRequestTracer;
import org.tracegate.http.TempDirectories;
import org.tracegate.http.TestServer;
import org.tracegate.http.TracegateServer;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;

/**
 * A real server with its operator listener (as `tracegate serve` runs it: sessions, failed-request tracing of every
 * 5xx, the runtime file and token in a temp log dir). Hanging programs get a 60 s header timeout.
 */
public final class OperatorServer implements AutoCloseable {
    public final Path logDir;
    public final TracegateServer server;
    public final FailedRequestTracer freb;
    private final ErrorLog errors;
    public final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OperatorServer(Path logDir, TracegateServer server, FailedRequestTracer freb, ErrorLog errors) {
        this.logDir = logDir;
        this.server = server;
        this.freb = freb;
        this.errors = errors;
    }

    public static OperatorServer start(UnaryOperator<ServerConfig> tweak) throws Exception {
        Path logs = Files.createTempDirectory("tracegate-operator-test");
        ServerConfig base = TestServer.baseConfig().withLogDir(logs);
        base = base.withLimits(base.limits().withHeaderTimeout(Duration.ofSeconds(60)));
        base = base.withFailedRequestTracing(base.failedRequestTracing().withRule(TraceRule.forStatusCodes("500-599")));
        ServerConfig config = tweak.apply(base);
        ErrorLog errors = ErrorLog.toDirectory(logs);
        FailedRequestTracer freb = new FailedRequestTracer(config.failedRequestTracing(), config.failedRequestTraceDirectory());
        SessionManager sessions = new SessionManager(logs.resolve("sessions"), errors);
        TracegateServer server = new TracegateServer(config, ProcessLauncher.platformDefault(), errors,
                TraceSink.all(List.of(freb, sessions)), sessions, null);
        server.allowRuleChanges(freb);
        server.start();
        return new OperatorServer(logs, server, freb, errors);
    }

    public String token() throws Exception { return Files.readString(logDir.resolve("admin.token")).trim(); }

    public URI operator(String path) { return URI.create(server.operatorUrl() + path.substring(1)); }

    public URI site(String path) { return URI.create("http://127.0.0.1:" + server.addresses().getFirst().getPort() + path); }

    public HttpResponse<String> get(String operatorPath) throws Exception {
        return client.send(HttpRequest.newBuilder(operator(operatorPath)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits until {@code n} requests for {@code urlPart} are in flight, each with its program's pid; returns those rows
     * (a request whose client already has its answer may still be listed a moment: its completion runs after).
     */
    public java.util.List<JsonNode> awaitInFlight(int n, String urlPart) throws Exception {
        return awaitInFlight(n, urlPart, r -> r.path("pid").asLong() > 0, "with a pid");
    }

    /** As {@link #awaitInFlight(int, String)}, for rows that {@code ready} accepts ({@code what} says which). */
    public java.util.List<JsonNode> awaitInFlight(int n, String urlPart, java.util.function.Predicate<JsonNode> ready,
                                                  String what) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        JsonNode rows = null;
        while (System.nanoTime() < deadline) {
            rows = new ObjectMapper().readTree(get("/api/v1/requests").body()).path("requests");
            java.util.List<JsonNode> matching = new java.util.ArrayList<>();
            for (JsonNode r : rows) if (ready.test(r) && r.path("url").asText().contains(urlPart)) matching.add(r);
            if (matching.size() >= n) return matching;
            Thread.sleep(100);
        }
        throw new AssertionError("not " + n + " requests " + what + " in flight: " + rows);
    }

    @Override
    public void close() throws Exception {
        server.close();
        freb.close();
        errors.close();
        TempDirectories.delete(logDir);
    }
}
