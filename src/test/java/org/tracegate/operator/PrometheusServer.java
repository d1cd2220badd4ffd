package org.tracegate.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's package) for one test: its own config and data directory, 127.0.0.1 on a free port,
 * scraping one target every second. Its log goes to a file in the directory, not the test output.
 */
final class PrometheusServer implements AutoCloseable {
    private final Process process;
    private final URI api;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(Process process, URI api) {
        this.process = process;
        this.api = api;
    }

    /** @param target the scraped base URL, "http://127.0.0.1:PORT/" */
    static PrometheusServer start(Path dir, String target) throws Exception {
        URI t = URI.create(target);
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: tracegate
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["%s:%d"]
                """.formatted(t.getHost(), t.getPort()));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) { port = s.getLocalPort(); }
        Process p = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port + "/"));
        server.awaitReady(dir);
        return server;
    }

    private void awaitReady(Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            try {
                if (http.send(HttpRequest.newBuilder(api.resolve("-/ready")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus not ready within 60 s: " + Files.readString(dir.resolve("prometheus.log")));
    }

    /** Polls an instant query until it has one sample; returns its value ("3"), or fails after {@code within}. */
    String awaitValue(String promql, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            URI q = api.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            last = http.send(HttpRequest.newBuilder(q).build(), HttpResponse.BodyHandlers.ofString()).body();
            JsonNode result = new ObjectMapper().readTree(last).path("data").path("result");
            if (result.size() == 1) return result.get(0).path("value").get(1).asText();
            Thread.sleep(500);
        }
        String targets = http.send(HttpRequest.newBuilder(api.resolve("api/v1/targets")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        throw new AssertionError("no sample for " + promql + " within " + within + "; last answer: " + last
                + "; targets: " + targets);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
