package org.tracegate.gateway.fastcgi;

import java.util.Map;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.cgi.CgiEnvironment;
import org.tracegate.gateway.cgi.MetaVariables;

/**
 * The PARAMS of a FastCGI request: exactly the meta-variables a CGI program gets ({@link CgiEnvironment},
 * octet strings, sent one byte per char), with SCRIPT_FILENAME naming the script as the server sees it,
 * since that, not SCRIPT_NAME, is what php-fpm opens.
 */
public final class FastCgiParams {
    private FastCgiParams() {}

    /** {@code scriptFilename} may differ from the request's script file when the server sees another tree. */
    public static Map<String, String> build(GatewayRequest request, EnvironmentPolicy policy,
                                            Map<String, String> serverEnv, String scriptFilename) {
        Map<String, String> params = CgiEnvironment.build(request, policy, serverEnv); // a fresh map of its own
        params.put(MetaVariables.SCRIPT_FILENAME, CgiEnvironment.octets(scriptFilename));
        return params;
    }
}
