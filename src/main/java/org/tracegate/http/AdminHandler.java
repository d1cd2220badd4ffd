package org.tracegate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.tracegate.admin.SessionControl;

/**
 * The admin endpoint, served only on its own loopback connector and only with the bearer token:
 * {@code POST /admin/trace/start} (JSON body: url, areas, output), {@code POST /admin/trace/stop},
 * {@code GET /admin/trace/status}.
 */
public final class AdminHandler extends Handler.Abstract {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connector connector;
    private final byte[] token;
    private final SessionControl sessions;

    public AdminHandler(Connector connector, String token, SessionControl sessions) {
        this.connector = connector;
        this.token = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
        this.sessions = sessions;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() != connector) return false;
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.US_ASCII), token)) {
            return reply(response, callback, 401, Map.of("error", "missing or wrong admin token"));
        }
        String path = request.getHttpURI().getPath();
        try {
            return switch (request.getMethod() + " " + path) {
                case "POST /admin/trace/start" -> {
                    JsonNode body = JSON.readTree(Content.Source.asString(request, StandardCharsets.UTF_8));
                    List<String> areas = new ArrayList<>();
                    body.path("areas").forEach(a -> areas.add(a.asText()));
                    String url = body.path("url").isTextual() ? body.path("url").asText() : null;
                    Path output = body.path("output").isTextual() ? Path.of(body.path("output").asText()) : null;
                    long maxBytes = body.path("maxBytes").asLong(org.tracegate.admin.SessionManager.DEFAULT_MAX_BYTES);
                    Path file = sessions.start(url, areas, output, maxBytes);
                    yield reply(response, callback, 200, Map.of("file", file.toString()));
                }
                case "POST /admin/trace/stop" -> reply(response, callback, 200, sessions.stop());
                case "GET /admin/trace/status" -> reply(response, callback, 200, sessions.status());
                default -> reply(response, callback, 404, Map.of("error", "no such admin action: " + path));
            };
        } catch (IllegalStateException | IllegalArgumentException e) {
            return reply(response, callback, 409, Map.of("error", e.getMessage()));
        }
    }

    private static boolean reply(Response response, Callback callback, int status, Map<String, ?> body) throws Exception {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
        return true;
    }
}
