package org.tracegate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Failed-request rules viewed and changed at runtime, without a restart (IIS's FREB needs a config edit). */
class RulesTest {
    static OperatorServer os;

    @BeforeAll
    static void start() throws Exception { os = OperatorServer.start(c -> c); }

    @AfterAll
    static void stop() throws Exception { if (os != null) os.close(); }

    private HttpResponse<String> post(String body, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(os.operator("/api/v1/rules")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token) b.header("Authorization", "Bearer " + os.token());
        return os.send(b);
    }

    @Test
    void rulesAreReplacedAtOnceAndTheNextRequestIsJudgedByThem() throws Exception {
        assertThat(os.get("/api/v1/rules").body()).contains("\"rules\":[\"* 500-599\"]");
        // Before: a 404 writes no trace.
        String before = os.send(HttpRequest.newBuilder(os.site("/no/such/page"))).headers().firstValue("X-Request-Id").orElseThrow();
        // Its completion (where the rules judge it) may run a moment after the client has the answer: let it end first.
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
             os.get("/api/v1/requests").body().contains("/no/such/page") && System.nanoTime() < end; ) {
            Thread.sleep(20);
        }

        assertThat(post("* 404\n", false).statusCode()).isEqualTo(403); // the token is needed to change them
        HttpResponse<String> changed = post("# 404s too, now\n* 404\n* 500-599\n", true);
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).contains("\"rules\":[\"* 404\",\"* 500-599\"]");

        String after = os.send(HttpRequest.newBuilder(os.site("/no/such/page"))).headers().firstValue("X-Request-Id").orElseThrow();
        // The client has its 404 before the request's completion hands the trace to the tracer, so awaitIdle alone
        // could return before the file was even queued (CI once found no traces directory yet): wait for the file.
        String files = "";
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < end; Thread.sleep(50)) {
            assertThat(os.freb.awaitIdle(Duration.ofSeconds(10))).isTrue();
            files = Files.isDirectory(os.freb.directory()) ? frebFiles() : "";
            if (files.toLowerCase(java.util.Locale.ROOT).contains(after.toLowerCase(java.util.Locale.ROOT))) break;
        }
        assertThat(files).containsIgnoringCase(after).doesNotContainIgnoringCase(before);
        assertThat(Files.readString(os.logDir.resolve("error.log"))).contains("operator: failed-request rules replaced (2 rule(s))");
    }

    @Test
    void aBadRuleChangesNothingAndSaysWhichLine() throws Exception {
        String rulesBefore = os.get("/api/v1/rules").body();
        HttpResponse<String> r = post("* 500-599\n/cgi-bin/* 999x\n", true);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("line 2").contains("999x");
        assertThat(os.get("/api/v1/rules").body()).isEqualTo(rulesBefore);
    }

    private static String frebFiles() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(os.freb.directory())) {
            for (Path p : files.filter(p -> p.toString().endsWith(".xml")).toList()) sb.append(Files.readString(p));
        }
        return sb.toString();
    }
}
