package org.tracegate.operator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.tracegate.admin.SessionControl;
import org.tracegate.admin.SessionManager;

/**
 * The trace-session API ({@code tracegate trace start/stop}), always with the bearer token:
 * {@code POST /admin/trace/start} (JSON body: url, areas, output, maxBytes), {@code POST /admin/trace/stop},
 * {@code GET /admin/trace/status}.
 */
final class TraceSessionApi {
    private final SessionControl sessions;

    TraceSessionApi(SessionControl sessions) { this.sessions = sessions; }

    boolean handle(Request request, Response response, Callback callback, String path) throws Exception {
        try {
            return switch (request.getMethod() + " " + path) {
                case "POST /admin/trace/start" -> {
                    JsonNode body = Replies.JSON.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
                    List<String> areas = new ArrayList<>();
                    body.path("areas").forEach(a -> areas.add(a.asText()));
                    String url = body.path("url").isTextual() ? body.path("url").asText() : null;
                    Path output = body.path("output").isTextual() ? Path.of(body.path("output").asText()) : null;
                    long maxBytes = body.path("maxBytes").asLong(SessionManager.DEFAULT_MAX_BYTES);
                    Path file = sessions.start(url, areas, output, maxBytes);
                    yield Replies.json(response, callback, 200, Map.of("file", file.toString()));
                }
                case "POST /admin/trace/stop" -> Replies.json(response, callback, 200, sessions.stop());
                case "GET /admin/trace/status" -> Replies.json(response, callback, 200, sessions.status());
                default -> Replies.error(response, callback, 404, "no such admin action: " + path);
            };
        } catch (IllegalStateException | IllegalArgumentException e) {
            return Replies.error(response, callback, 409, e.getMessage());
        }
    }
}
