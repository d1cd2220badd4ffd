package org.tracegate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics: Micrometer's Prometheus exposition with OpenTelemetry's HTTP names, our bad gateways by cause, exemplars
 * for OpenMetrics scrapers; checked by promtool and scraped by a real Prometheus.
 */
class MetricsTest {
    static OperatorServer os;
    static final List<String> REQUEST_IDS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        os = OperatorServer.start(c -> c);
        for (int i = 0; i < 2; i++) assertThat(site("GET", "/demo/hello.sh").statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = site("GET", "/demo/dies-before-headers.sh?secret=" + i);
            assertThat(r.statusCode()).isEqualTo(502);
            REQUEST_IDS.add(r.headers().firstValue("X-Request-Id").orElseThrow());
        }
        site("BREW", "/demo/hello.sh");
    }

    static HttpResponse<String> site(String method, String path) throws Exception {
        return os.send(HttpRequest.newBuilder(os.site(path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    @AfterAll
    static void stop() throws Exception { os.close(); }

    @Test
    void otelNamesBaseUnitsAndBoundedLabels() throws Exception {
        HttpResponse<String> r = os.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        String m = r.body();
        assertThat(m).contains("http_server_request_duration_seconds_bucket{http_request_method=\"GET\","
                + "http_response_status_code=\"502\",http_route=\"/demo/\",le=\"120.0\"} 3");
        assertThat(m).contains("le=\"15.0\"").contains("le=\"30.0\"").contains("le=\"60.0\"");
        assertThat(m).contains("http_request_method=\"_OTHER\"").doesNotContain("BREW");
        assertThat(m).contains("tracegate_responses_total{http_response_status_code=\"502\",substatus=\"2\"} 3.0");
        assertThat(m).contains("tracegate_bad_gateway_responses_total{cause=\"exited_before_headers\"} 3.0")
                .contains("tracegate_bad_gateway_responses_total{cause=\"header_timeout\"} 0.0");
        assertThat(m).contains("tracegate_program_exits_total{ended_by=\"self\",signal=\"none\"}");
        assertThat(m).contains("http_server_active_requests").contains("tracegate_requests_in_flight{stage=\"EXECUTE_REQUEST_HANDLER\"}")
                .contains("tracegate_cgi_slots{state=\"free\"}").contains("tracegate_queue_length")
                .contains("tracegate_queue_wait_duration_seconds_count").contains("tracegate_program_spawn_duration_seconds_count")
                .contains("tracegate_crash_loop_trips_total");
        assertThat(m).contains("jvm_memory_used_bytes").contains("process_uptime_seconds").contains("jvm_gc_")
                .contains("process_cpu_usage");
        // Never a raw path, query, request id or client address as a label value.
        assertThat(m).doesNotContain("dies-before-headers").doesNotContain("secret").doesNotContain(REQUEST_IDS.getFirst())
                .doesNotContain("127.0.0.1");
    }

    @Test
    void openMetricsScrapersGetExemplarsWithTheRequestId() throws Exception {
        HttpResponse<String> r = os.send(HttpRequest.newBuilder(os.operator("/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0"));
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(r.body()).endsWith("# EOF\n");
        assertThat(REQUEST_IDS).anySatisfy(id -> assertThat(r.body()).contains("trace_id=\"" + id + "\""));
    }

    /**
     * promtool lints the Prometheus text format (it cannot parse OpenMetrics exemplars); the OpenMetrics form is what
     * the real Prometheus below scrapes, and it rejects a whole scrape it cannot parse.
     */
    @Test
    void promtoolAcceptsTheExposition(@TempDir Path dir) throws Exception {
        for (String accept : List.of("text/plain")) {
            String body = os.send(HttpRequest.newBuilder(os.operator("/metrics")).header("Accept", accept)).body();
            Path file = Files.writeString(dir.resolve("metrics.txt"), body);
            Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(accept + ": " + out).isZero();
        }
    }

    @Test
    void aRealPrometheusCountsTheBadGateways(@TempDir Path dir) throws Exception {
        try (PrometheusServer prometheus = PrometheusServer.start(dir, os.server.operatorUrl())) {
            String q = "sum(tracegate_responses_total{http_response_status_code=\"502\",substatus=\"2\"})";
            assertThat(prometheus.awaitValue(q, Duration.ofSeconds(60))).isEqualTo("3");
            assertThat(prometheus.awaitValue("tracegate_bad_gateway_responses_total{cause=\"exited_before_headers\"}",
                    Duration.ofSeconds(10))).isEqualTo("3");
        }
    }
}
