package org.tracegate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.gateway.fastcgi.PhpFpm;

/** The JSON API under /api/v1/, and the listener answering while every program slot is taken. */
class ApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void answersQuicklyWhileEverySlotIsTakenAndEndsOneRequest() throws Exception {
        try (OperatorServer os = OperatorServer.start(c -> c.withLimits(c.limits().withMaxConcurrent(2, 0, Duration.ofSeconds(1))))) {
            List<CompletableFuture<HttpResponse<String>>> hanging = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                hanging.add(os.client.sendAsync(HttpRequest.newBuilder(os.site("/demo/hang.sh?password=hunter" + i))
                        .header("Accept", "application/json").timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<JsonNode> rows = os.awaitInFlight(2, "hang.sh");
            // Saturated: a third program is refused at once (no queue), and the operator listener still answers.
            HttpResponse<String> refused = os.send(HttpRequest.newBuilder(os.site("/demo/hello.sh")));
            assertThat(refused.statusCode()).isEqualTo(503);
            for (String path : List.of("/metrics", "/api/v1/summary", "/")) {
                long start = System.nanoTime();
                assertThat(os.get(path).statusCode()).as(path).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as(path).isLessThan(Duration.ofSeconds(2));
            }
            JsonNode summary = json(os.get("/api/v1/summary"));
            assertThat(summary.path("apiVersion").asInt()).isEqualTo(1);
            assertThat(summary.path("slots").path("busy").asInt()).isEqualTo(2);
            assertThat(summary.path("slots").path("free").asInt()).isZero();
            assertThat(summary.path("inFlight").asInt()).isGreaterThanOrEqualTo(2);

            JsonNode first = rows.get(0);
            assertThat(first.path("verb").asText()).isEqualTo("GET");
            assertThat(first.path("url").asText()).contains("/demo/hang.sh?").endsWith("(query hidden)").doesNotContain("hunter");
            assertThat(first.path("client").asText()).isEqualTo("127.0.0.1");
            assertThat(first.path("stage").asText()).isEqualTo("EXECUTE_REQUEST_HANDLER");
            String id = first.path("id").asText();
            assertThat(json(os.get("/api/v1/requests?elapsed=3600000")).path("requests")).isEmpty();

            // Ending takes the token: a loopback caller without it (a program on this machine) is refused.
            HttpResponse<String> anonymous = os.send(HttpRequest.newBuilder(os.operator("/api/v1/requests/" + id + "/end"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(anonymous.statusCode()).isEqualTo(403);
            HttpResponse<String> forged = os.send(HttpRequest.newBuilder(os.operator("/api/v1/requests/" + id + "/end"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("nonce=guessed")));
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(json(os.get("/api/v1/requests")).path("requests").toString()).contains(id);

            HttpResponse<String> ended = os.send(HttpRequest.newBuilder(os.operator("/api/v1/requests/" + id + "/end"))
                    .header("Authorization", "Bearer " + os.token()).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(json(ended).path("ended").asText()).isEqualTo(id);
            HttpResponse<String> client = null;
            for (var f : hanging) {
                try {
                    HttpResponse<String> r = f.get(5, TimeUnit.SECONDS);
                    if (r.headers().firstValue("X-Request-Id").orElse("").equals(id)) client = r;
                } catch (java.util.concurrent.TimeoutException stillHanging) {
                    // the other one
                }
            }
            assertThat(client).as("the ended request's client got its answer").isNotNull();
            assertThat(client.statusCode()).isEqualTo(502);
            assertThat(JSON.readTree(client.body()).path("statusCode").asText()).isEqualTo("502.7");
            HttpResponse<String> again = os.send(HttpRequest.newBuilder(os.operator("/api/v1/requests/" + id + "/end"))
                    .header("Authorization", "Bearer " + os.token()).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(again.statusCode()).isEqualTo(404);

            JsonNode causes = json(os.get("/api/v1/summary")).path("badGateways");
            JsonNode operatorCause = null;
            for (JsonNode c : causes) if (c.path("cause").asText().equals("ended_by_operator")) operatorCause = c;
            assertThat(operatorCause.path("count").asLong()).isEqualTo(1);
            assertThat(operatorCause.path("latest").path("trace").asText()).isEqualTo("/trace/" + id);
            JsonNode trace = json(os.get("/api/v1/trace/" + id));
            assertThat(trace.toString()).contains("\"EndedBy\":\"OPERATOR\"").contains("\"HttpSubStatus\":7");
            assertThat(os.get("/trace/" + id).body()).contains("Cause:").contains("The operator ended the request");

            os.freb.awaitIdle(Duration.ofSeconds(10));
            JsonNode traces = json(os.get("/api/v1/traces?status=502.7"));
            assertThat(traces.path("freb")).hasSize(1);
            String href = traces.path("freb").get(0).path("href").asText();
            assertThat(href).matches("/traces/W3SVC1/fr\\d+\\.htm");
            HttpResponse<String> freb = os.get(href);
            assertThat(freb.statusCode()).isEqualTo(200);
            assertThat(freb.body()).contains("id=\"cause\"").contains("Cause:");
            assertThat(json(os.get("/api/v1/traces?status=404")).path("freb")).isEmpty();
            assertThat(os.get("/traces/W3SVC1/..%2Ftracegate.runtime.json").statusCode()).isIn(400, 404);
            assertThat(os.get("/traces/W3SVC1/index.json").statusCode()).isEqualTo(404);
        }
    }

    /** A FastCGI request is ended like a CGI one: ABORT_REQUEST, 502.7 for its client, FASTCGI_END in its trace. */
    @Test
    void endsAFastCgiRequestWhileItsScriptRuns() throws Exception {
        try (PhpFpm fpm = PhpFpm.start(java.nio.file.Files.createTempDirectory("tracegate-fpm-end-"), 2)) {
            fpm.script("hang.php", "<?php sleep(20); echo 'late';");
            try (OperatorServer os = OperatorServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/php/",
                    fpm.docroot, ".php", fpm.address().toString(), null, FastCgiPool.defaults(),
                    EnvironmentPolicy.defaults()))).build())) {
                CompletableFuture<HttpResponse<String>> hanging = os.client.sendAsync(
                        HttpRequest.newBuilder(os.site("/php/hang.php")).header("Accept", "application/json")
                                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                String id = os.awaitInFlight(1, "hang.php", r -> r.path("lastEvent").asText()
                        .equals("FASTCGI_WAITING_FOR_RESPONSE"), "waiting for php-fpm").getFirst().path("id").asText();
                HttpResponse<String> ended = os.send(HttpRequest.newBuilder(os.operator("/api/v1/requests/" + id + "/end"))
                        .header("Authorization", "Bearer " + os.token()).POST(HttpRequest.BodyPublishers.noBody()));
                assertThat(json(ended).path("ended").asText()).isEqualTo(id);
                HttpResponse<String> client = hanging.get(15, TimeUnit.SECONDS);
                assertThat(client.statusCode()).isEqualTo(502);
                assertThat(JSON.readTree(client.body()).path("statusCode").asText()).isEqualTo("502.7");
                assertThat(client.headers().firstValue("X-Request-Id")).hasValue(id);
                assertThat(client.body()).contains("its FastCGI request was aborted");
                HttpResponse<String> again = os.send(HttpRequest.newBuilder(os.operator("/api/v1/requests/" + id + "/end"))
                        .header("Authorization", "Bearer " + os.token()).POST(HttpRequest.BodyPublishers.noBody()));
                assertThat(again.statusCode()).isEqualTo(404);
            }
        }
    }

    /**
     * php-fpm's own status page is served by a pool worker, so it times out exactly when every worker is busy. Ours is
     * read from Tracegate's counters: with both workers held and three requests queued, the summary, the dashboard and
     * /metrics answer at once and say so.
     */
    @Test
    void showsAFastCgiPoolWhileEveryWorkerIsBusy() throws Exception {
        try (PhpFpm fpm = PhpFpm.start(java.nio.file.Files.createTempDirectory("tracegate-fpm-pool-"), 2)) {
            fpm.script("hang.php", "<?php sleep(20); echo 'late';");
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool two = new FastCgiPool(2, d.instanceMaxRequests(), d.idleTimeout(), d.activityTimeout(),
                    d.requestTimeout(), 10, Duration.ofSeconds(60), d.rapidFailsPerMinute(), null);
            try (OperatorServer os = OperatorServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/php/",
                    fpm.docroot, ".php", fpm.address().toString(), null, two, EnvironmentPolicy.defaults()))).build())) {
                JsonNode idle = json(os.get("/api/v1/summary")).path("fastcgi");
                assertThat(idle).hasSize(1);
                assertThat(idle.get(0).toString()).isEqualTo("{\"site\":1,\"application\":\"/php/\",\"kind\":\"external\","
                        + "\"target\":\"" + fpm.address() + "\",\"capacity\":2,\"busy\":0,\"idle\":0,"
                        + "\"queue\":{\"length\":0,\"capacity\":10},\"stoppedUntil\":null,\"lastFailure\":null}");
                List<CompletableFuture<HttpResponse<String>>> hanging = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    hanging.add(os.client.sendAsync(HttpRequest.newBuilder(os.site("/php/hang.php?n=" + i))
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                JsonNode pool = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < deadline) {
                    long start = System.nanoTime();
                    pool = json(os.get("/api/v1/summary")).path("fastcgi").get(0);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                    if (pool.path("busy").asInt() == 2 && pool.path("queue").path("length").asInt() == 3) break;
                    Thread.sleep(50);
                }
                assertThat(pool.path("busy").asInt()).as(pool.toString()).isEqualTo(2);
                assertThat(pool.path("idle").asInt()).isZero();
                assertThat(pool.path("queue").path("length").asInt()).as(pool.toString()).isEqualTo(3);

                assertThat(os.get("/").body()).contains("<table id=\"fastcgi\">")
                        .contains("<td>/php/</td><td>external</td><td>" + fpm.address() + "</td><td>2 / 0 of 2</td><td>3 of 10</td><td>running</td>");
                assertThat(os.get("/metrics").body())
                        .contains("tracegate_fastcgi_pool_connections{application=\"/php/\",site=\"1\",state=\"busy\"} 2.0")
                        .contains("tracegate_fastcgi_pool_connections{application=\"/php/\",site=\"1\",state=\"idle\"} 0.0")
                        .contains("tracegate_fastcgi_queue_length{application=\"/php/\",site=\"1\"} 3.0");
                for (var f : hanging) f.cancel(true);
            }
        }
    }
}
