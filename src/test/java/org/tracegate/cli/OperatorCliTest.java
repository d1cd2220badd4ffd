package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tracegate.operator.OperatorServer;

/** `tracegate requests`, `requests end` and `status` against a running server found through its log dir. */
class OperatorCliTest {
    @Test
    void listsEndsAndSummarises() throws Exception {
        try (OperatorServer os = OperatorServer.start(c -> c)) {
            String dir = os.logDir.toString();
            assertThat(StdioCli.cli("requests", "--log-dir", dir).out()).contains("no requests in flight");
            assertThat(os.send(HttpRequest.newBuilder(os.site("/demo/dies-before-headers.sh"))).statusCode()).isEqualTo(502);
            CompletableFuture<HttpResponse<String>> hanging = os.client.sendAsync(HttpRequest.newBuilder(
                    os.site("/demo/hang.sh?k=v")).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            String id = os.awaitInFlight(1, "hang.sh").get(0).path("id").asText();

            StdioCli list = StdioCli.cli("requests", "--log-dir", dir);
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).contains("ID").contains("STAGE").contains(id).contains("EXECUTE_REQUEST_HANDLER")
                    .contains("/demo/hang.sh?(query hidden)");
            assertThat(StdioCli.cli("requests", "--log-dir", dir, "--elapsed", "3600000").out()).contains("no requests in flight");
            StdioCli json = StdioCli.cli("requests", "--log-dir", dir, "--json", "--show-query");
            assertThat(json.out()).contains("\"apiVersion\" : 1").contains("\"id\" : \"" + id + "\"").contains("hang.sh?k=v");

            StdioCli status = StdioCli.cli("status", "--log-dir", dir);
            assertThat(status.code()).as(status.err()).isZero();
            assertThat(status.out()).contains("Tracegate 0.2.0").contains("CGI slots:  1 busy").contains("in flight:  1")
                    .contains("502.2 exited_before_headers: 1").contains("last 5m:");

            StdioCli end = StdioCli.cli("requests", "end", id, "--log-dir", dir);
            assertThat(end.code()).as(end.err()).isZero();
            assertThat(end.out()).contains("ended request " + id);
            assertThat(hanging.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(502);
            StdioCli again = StdioCli.cli("requests", "end", id, "--log-dir", dir);
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.err()).contains("no program runs for request " + id);
            assertThat(StdioCli.cli("requests", "end", "nope", "--log-dir", dir).code()).isEqualTo(2);
        }
    }
}
