package org.tracegate.offline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.process.Credentials;

/**
 * One program run to do offline: what to start and what to feed it.
 *
 * @param request     the request as the gateway sees it (method for HEAD, the script for NPH)
 * @param argv        the fixed argv, as the server would start it
 * @param environment the complete environment, in order (octet strings)
 * @param cwd         the working directory
 * @param body        the request body, or null for none
 * @param runAs       credentials to switch to (only when running as root), or null to run as oneself
 * @param runAsText   who that is, for the report
 */
public record OfflineRequest(GatewayRequest request, List<String> argv, Map<String, String> environment, Path cwd,
                             byte[] body, Credentials runAs, String runAsText) {
    public OfflineRequest {
        argv = List.copyOf(argv);
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    }

    public OfflineRequest withArgv(List<String> a) {
        return new OfflineRequest(request, a, environment, cwd, body, runAs, runAsText);
    }
}
