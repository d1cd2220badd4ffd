package org.tracegate.offline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.cgi.CgiEnvironment;

/**
 * A synthetic request for {@code tracegate probe}: the program as if mapped at {@code /cgi-bin/NAME} of
 * {@code http://localhost/}, from 127.0.0.1, its environment built by the server's own {@link CgiEnvironment}
 * (what the server's default {@code [environment]} inherits comes from this shell), then the {@code --env}
 * variables on top.
 */
public final class Probe {
    private Probe() {}

    /**
     * @param body        the body, or null for none
     * @param contentType sent with a body (CONTENT_TYPE)
     */
    public static OfflineRequest request(Path program, String method, String query, String pathInfo, byte[] body,
                                         String contentType, Map<String, String> env, RunAs.Who who) {
        Path script = program.toAbsolutePath().normalize();
        String scriptName = "/cgi-bin/" + script.getFileName();
        String uri = scriptName + pathInfo + (query.isEmpty() ? "" : "?" + query);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Host", "localhost"));
        headers.add(Map.entry("User-Agent", "tracegate-probe"));
        if (body != null) {
            headers.add(Map.entry("Content-Type", contentType));
            headers.add(Map.entry("Content-Length", Integer.toString(body.length)));
        }
        GatewayRequest gr = new GatewayRequest(method, uri, query, scriptName, pathInfo, script, script.getParent(),
                "HTTP/1.1", "localhost", 80, "127.0.0.1", "127.0.0.1", 40000, false,
                body == null ? -1 : body.length, body == null ? null : contentType, headers, false);
        EnvironmentPolicy defaults = EnvironmentPolicy.defaults();
        Map<String, String> vars = CgiEnvironment.build(gr, new EnvironmentPolicy(defaults.inherit(), env), System.getenv());
        return new OfflineRequest(gr, List.of(script.toString()), vars, script.getParent(), body, who.credentials(),
                who.text());
    }
}
