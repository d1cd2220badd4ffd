package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.accesslog.W3cLogParser;
import org.tracegate.accesslog.W3cLogWriter;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;

/** The W3C access log written by a real server, parsed back field by field. */
class AccessLogTest {

    @Test
    void everyRequestIsLoggedWithSubstatusWin32StatusActivityIdAndExit(@TempDir Path logs) throws Exception {
        W3cLogWriter w3c = new W3cLogWriter(logs);
        HttpResponse<String> ok, premature, enoent, refused;
        String ua = "test agent/1.0 (spaces)";
        try (ErrorLog errors = ErrorLog.toDirectory(logs)) {
            TracegateServer server = new TracegateServer(TestServer.baseConfig(), ProcessLauncher.platformDefault(), errors,
                    TraceSink.NONE, null, w3c);
            server.start();
            try {
                var client = java.net.http.HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.addresses().getFirst().getPort();
                java.util.function.Function<String, HttpResponse<String>> get = path -> {
                    try {
                        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                                .header("User-Agent", ua).header("Referer", "http://ref.example/").build(),
                                HttpResponse.BodyHandlers.ofString());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                };
                ok = get.apply("/demo/hello.sh?x=1");
                premature = get.apply("/demo/dies-before-headers.sh");
                enoent = get.apply("/demo/missing-interpreter.sh");
                refused = get.apply("/demo/not-executable.sh");
            } finally {
                server.close();
            }
        }
        assertThat(w3c.awaitWritten(Duration.ofSeconds(5))).isTrue();
        w3c.close();
        List<Path> files;
        try (var s = Files.list(logs)) { files = s.filter(p -> p.getFileName().toString().startsWith("u_ex")).toList(); }
        assertThat(files).hasSize(1);
        List<Map<String, String>> rows = W3cLogParser.parse(files.getFirst());
        assertThat(rows).hasSize(4);

        Map<String, String> r0 = rows.get(0);
        assertThat(r0).containsEntry("cs-method", "GET").containsEntry("cs-uri-stem", "/demo/hello.sh")
                .containsEntry("cs-uri-query", "x=1").containsEntry("sc-status", "200").containsEntry("sc-substatus", "0")
                .containsEntry("sc-win32-status", "0").containsEntry("c-ip", "127.0.0.1").containsEntry("s-ip", "127.0.0.1")
                .containsEntry("cs(Referer)", "http://ref.example/").containsEntry("x-program-exit", "0")
                .containsEntry("x-activity-id", ok.headers().firstValue("x-request-id").orElseThrow());
        assertThat(W3cLogParser.decodePlus(r0.get("cs(User-Agent)"))).isEqualTo(ua);
        assertThat(Long.parseLong(r0.get("sc-bytes"))).isGreaterThan(ok.body().length());
        assertThat(Long.parseLong(r0.get("time-taken"))).isGreaterThanOrEqualTo(0);

        assertThat(rows.get(1)).containsEntry("sc-status", "502").containsEntry("sc-substatus", "2")
                .containsEntry("sc-win32-status", "0").containsEntry("x-program-exit", "3")
                .containsEntry("x-activity-id", premature.headers().firstValue("x-request-id").orElseThrow());
        assertThat(rows.get(2)).containsEntry("sc-status", "502").containsEntry("sc-substatus", "3")
                .containsEntry("sc-win32-status", "2").containsEntry("x-program-exit", "");
        assertThat(rows.get(3)).containsEntry("sc-status", "403").containsEntry("sc-substatus", "1");
        assertThat(enoent.statusCode()).isEqualTo(502);
        assertThat(refused.statusCode()).isEqualTo(403);
    }
}
