package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tracegate.operator.OperatorServer;

/** `tracegate requests`, `requests end` and `status` against a running server found through its log dir. */
class OperatorCliTest {
    record Out(int code, String out, String err) {}

    static synchronized Out cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void listsEndsAndSummarises() throws Exception {
        try (OperatorServer os = OperatorServer.start(c -> c)) {
            String dir = os.logDir.toString();
            assertThat(cli("requests", "--log-dir", dir).out()).contains("no requests in flight");
            assertThat(os.send(HttpRequest.newBuilder(os.site("/demo/dies-before-headers.sh"))).statusCode()).isEqualTo(502);
            CompletableFuture<HttpResponse<String>> hanging = os.client.sendAsync(HttpRequest.newBuilder(
                    os.site("/demo/hang.sh?k=v")).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            String id = os.awaitInFlight(1, "hang.sh").get(0).path("id").asText();

            Out list = cli("requests", "--log-dir", dir);
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).contains("ID").contains("STAGE").contains(id).contains("EXECUTE_REQUEST_HANDLER")
                    .contains("/demo/hang.sh?(query hidden)");
            assertThat(cli("requests", "--log-dir", dir, "--elapsed", "3600000").out()).contains("no requests in flight");
            Out json = cli("requests", "--log-dir", dir, "--json", "--show-query");
            assertThat(json.out()).contains("\"apiVersion\" : 1").contains("\"id\" : \"" + id + "\"").contains("hang.sh?k=v");

            Out status = cli("status", "--log-dir", dir);
            assertThat(status.code()).as(status.err()).isZero();
            assertThat(status.out()).contains("Tracegate 0.2.0").contains("CGI slots:  1 busy").contains("in flight:  1")
                    .contains("502.2 exited_before_headers: 1").contains("last 5m:");

            Out end = cli("requests", "end", id, "--log-dir", dir);
            assertThat(end.code()).as(end.err()).isZero();
            assertThat(end.out()).contains("ended request " + id);
            assertThat(hanging.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(502);
            Out again = cli("requests", "end", id, "--log-dir", dir);
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.err()).contains("no program runs for request " + id);
            assertThat(cli("requests", "end", "nope", "--log-dir", dir).code()).isEqualTo(2);
        }
    }
}
