package org.tracegate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.tracegate.admin.RuntimeFiles;

/** Talks to a running server's operator listener, found through the runtime file in its log directory. */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RuntimeFiles.Endpoint endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminClient(Path logDir) throws IOException {
        this.endpoint = RuntimeFiles.find(RuntimeFiles.directory(logDir));
    }

    /** An admin action: "trace/start" is POST /admin/trace/start. */
    JsonNode call(String method, String action, Object body) throws IOException, InterruptedException {
        return send(method, endpoint.adminUrl() + action, body);
    }

    /** A path of the operator listener: "api/v1/summary". The token goes along, so the server also answers from afar. */
    JsonNode operator(String method, String path, Object body) throws IOException, InterruptedException {
        return send(method, endpoint.operatorUrl() + path, body);
    }

    String operatorUrl() { return endpoint.operatorUrl(); }

    private JsonNode send(String method, String url, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + endpoint.token())
                .header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("the server (pid " + endpoint.pid() + ") does not answer at " + url);
        }
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() != 200) throw new IOException(n.path("error").asText("admin endpoint answered " + r.statusCode()));
        return n;
    }
}
