package org.tracegate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole server configuration, immutable. Built by {@link ConfigLoader} from a TOML file and then
 * overridden by command-line flags. Every default is stated in docs/configuration.md.
 *
 * @param listen        addresses to listen on, "HOST:PORT"; default ["127.0.0.1:8080"]
 * @param cgi           URL prefix → directory mappings (ScriptAlias semantics)
 * @param interpreters  extension → interpreter mappings (IIS handler mappings)
 * @param restrictions  the executable allow-list (IIS CGI restriction list)
 * @param limits        timeouts and size limits
 * @param environment   what the programs' environment gets beyond RFC 3875's variables
 * @param documentRoot  static files served at "/" and the base of PATH_TRANSLATED; null: none
 * @param logDir        where error.log goes; null: stderr only
 * @param traceDir      where failed-request traces go; null: logDir/traces (issue 3)
 * @param errorMode     who gets detailed error pages; default DETAILED_LOCAL_ONLY
 * @param failedRequestTracing which failed requests get trace files; default disabled, no rules
 * @param source        the file this came from, or null
 */
public record ServerConfig(
        List<String> listen,
        List<CgiMapping> cgi,
        List<InterpreterMapping> interpreters,
        Restrictions restrictions,
        Limits limits,
        EnvironmentPolicy environment,
        Path documentRoot,
        Path logDir,
        Path traceDir,
        ErrorMode errorMode,
        FailedRequestTracing failedRequestTracing,
        Path source) {

    public ServerConfig {
        listen = List.copyOf(listen);
        cgi = List.copyOf(cgi);
        interpreters = List.copyOf(interpreters);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(List.of("127.0.0.1:8080"), List.of(), List.of(), Restrictions.disabled(),
                Limits.defaults(), EnvironmentPolicy.defaults(), null, null, null, ErrorMode.DETAILED_LOCAL_ONLY,
                FailedRequestTracing.disabled(), null);
    }

    /** Where failed-request traces go: see {@link FailedRequestTracing#resolveDirectory}. */
    public Path failedRequestTraceDirectory() { return failedRequestTracing.resolveDirectory(traceDir, logDir); }

    public ServerConfig withListen(List<String> v) { return new ServerConfig(v, cgi, interpreters, restrictions, limits, environment, documentRoot, logDir, traceDir, errorMode, failedRequestTracing, source); }
    public ServerConfig withCgi(List<CgiMapping> v) { return new ServerConfig(listen, v, interpreters, restrictions, limits, environment, documentRoot, logDir, traceDir, errorMode, failedRequestTracing, source); }
    public ServerConfig withLimits(Limits v) { return new ServerConfig(listen, cgi, interpreters, restrictions, v, environment, documentRoot, logDir, traceDir, errorMode, failedRequestTracing, source); }
    public ServerConfig withLogDir(Path v) { return new ServerConfig(listen, cgi, interpreters, restrictions, limits, environment, documentRoot, v, traceDir, errorMode, failedRequestTracing, source); }
    public ServerConfig withTraceDir(Path v) { return new ServerConfig(listen, cgi, interpreters, restrictions, limits, environment, documentRoot, logDir, v, errorMode, failedRequestTracing, source); }
    public ServerConfig withErrorMode(ErrorMode v) { return new ServerConfig(listen, cgi, interpreters, restrictions, limits, environment, documentRoot, logDir, traceDir, v, failedRequestTracing, source); }
    public ServerConfig withInterpreters(List<InterpreterMapping> v) { return new ServerConfig(listen, cgi, v, restrictions, limits, environment, documentRoot, logDir, traceDir, errorMode, failedRequestTracing, source); }
    public ServerConfig withRestrictions(Restrictions v) { return new ServerConfig(listen, cgi, interpreters, v, limits, environment, documentRoot, logDir, traceDir, errorMode, failedRequestTracing, source); }
    public ServerConfig withEnvironment(EnvironmentPolicy v) { return new ServerConfig(listen, cgi, interpreters, restrictions, limits, v, documentRoot, logDir, traceDir, errorMode, failedRequestTracing, source); }
    public ServerConfig withFailedRequestTracing(FailedRequestTracing v) { return new ServerConfig(listen, cgi, interpreters, restrictions, limits, environment, documentRoot, logDir, traceDir, errorMode, v, source); }
    public ServerConfig withDocumentRoot(Path v) { return new ServerConfig(listen, cgi, interpreters, restrictions, limits, environment, v, logDir, traceDir, errorMode, failedRequestTracing, source); }
}
