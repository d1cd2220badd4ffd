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
 * @param aliases       URL prefix → directory of static files (and interpreter-mapped scripts)
 * @param fastcgi       URL prefix → FastCGI application mappings
 * @param deny          paths nothing serves (403), checked first
 * @param interpreters  extension → interpreter mappings (IIS handler mappings)
 * @param restrictions  the executable allow-list (IIS CGI restriction list)
 * @param limits        timeouts and size limits
 * @param programLimits what each program may use (rlimits, output, stderr); a mapping may override them
 * @param connections   the connection side: request-head deadline, connection caps
 * @param programUser   who programs run as when the server is root
 * @param crashLoop     IIS's rapid-fail protection, per program
 * @param crashDumps    whether and where crashed programs' cores are kept and read
 * @param environment   what the programs' environment gets beyond RFC 3875's variables
 * @param documentRoot  static files served at "/" and the base of PATH_TRANSLATED; null: none
 * @param index         directory URLs of the document root serve or run the first of these; default ["index.html"]
 * @param logDir        where error.log goes; null: stderr only
 * @param traceDir      where failed-request traces go; null: logDir/traces (issue 3)
 * @param errorMode     who gets detailed error pages; default DETAILED_LOCAL_ONLY
 * @param failedRequestTracing which failed requests get trace files; default disabled, no rules
 * @param sites         the [[site]] virtual hosts, or empty for one site (this config's own mappings); with
 *                      sites, this config's mappings are the first site's
 * @param source        the file this came from, or null
 * @param operatorListen the operator listener's "HOST:PORT" (dashboard, /metrics, /api/, the admin API), or null for
 *                      none; default "127.0.0.1:0" (loopback, an ephemeral port found through the runtime file)
 */
public record ServerConfig(
        List<String> listen,
        List<CgiMapping> cgi,
        List<AliasMapping> aliases,
        List<FastCgiMapping> fastcgi,
        List<DenyRule> deny,
        List<InterpreterMapping> interpreters,
        Restrictions restrictions,
        Limits limits,
        ProgramLimits programLimits,
        ConnectionLimits connections,
        ProgramUser programUser,
        CrashLoopPolicy crashLoop,
        CrashDumpPolicy crashDumps,
        EnvironmentPolicy environment,
        Path documentRoot,
        List<String> index,
        Path logDir,
        Path traceDir,
        ErrorMode errorMode,
        FailedRequestTracing failedRequestTracing,
        List<VirtualSite> sites,
        Path source,
        String operatorListen) {

    /** The operator listener's default: loopback only, on a port the kernel picks (two servers never collide). */
    public static final String DEFAULT_OPERATOR_LISTEN = "127.0.0.1:0";

    public ServerConfig {
        listen = List.copyOf(listen);
        cgi = List.copyOf(cgi);
        aliases = List.copyOf(aliases);
        fastcgi = List.copyOf(fastcgi);
        deny = List.copyOf(deny);
        index = List.copyOf(index);
        interpreters = List.copyOf(interpreters);
        sites = List.copyOf(sites);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(List.of("127.0.0.1:8080"), List.of(), List.of(), List.of(), List.of(), List.of(),
                Restrictions.disabled(), Limits.defaults(), ProgramLimits.defaults(), ConnectionLimits.defaults(),
                ProgramUser.defaults(), CrashLoopPolicy.defaults(), CrashDumpPolicy.defaults(), EnvironmentPolicy.defaults(), null,
                List.of("index.html"), null, null, ErrorMode.DETAILED_LOCAL_ONLY, FailedRequestTracing.disabled(), List.of(), null,
                DEFAULT_OPERATOR_LISTEN);
    }

    /** Every site the server serves: the [[site]] tables, or this config as the only one (id 1, every host). */
    public List<VirtualSite> siteList() {
        return sites.isEmpty() ? List.of(new VirtualSite(1, List.of(), this)) : sites;
    }

    /** Where failed-request traces go: see {@link FailedRequestTracing#resolveDirectory}. */
    public Path failedRequestTraceDirectory() { return failedRequestTracing.resolveDirectory(traceDir, logDir); }

    /** A copy to change: {@code config.toBuilder().limits(l).build()}. */
    public Builder toBuilder() { return new Builder(this); }

    public ServerConfig withListen(List<String> v) { return toBuilder().listen(v).build(); }
    public ServerConfig withCgi(List<CgiMapping> v) { return toBuilder().cgi(v).build(); }
    public ServerConfig withLimits(Limits v) { return toBuilder().limits(v).build(); }
    public ServerConfig withLogDir(Path v) { return toBuilder().logDir(v).build(); }
    public ServerConfig withTraceDir(Path v) { return toBuilder().traceDir(v).build(); }
    public ServerConfig withErrorMode(ErrorMode v) { return toBuilder().errorMode(v).build(); }
    public ServerConfig withInterpreters(List<InterpreterMapping> v) { return toBuilder().interpreters(v).build(); }
    public ServerConfig withRestrictions(Restrictions v) { return toBuilder().restrictions(v).build(); }
    public ServerConfig withEnvironment(EnvironmentPolicy v) { return toBuilder().environment(v).build(); }
    public ServerConfig withFailedRequestTracing(FailedRequestTracing v) { return toBuilder().failedRequestTracing(v).build(); }
    public ServerConfig withDocumentRoot(Path v) { return toBuilder().documentRoot(v).build(); }
    public ServerConfig withOperatorListen(String v) { return toBuilder().operatorListen(v).build(); }

    /** Every component settable by name; unset ones keep the copied config's values. */
    public static final class Builder {
        private List<String> listen;
        private List<CgiMapping> cgi;
        private List<AliasMapping> aliases;
        private List<FastCgiMapping> fastcgi;
        private List<DenyRule> deny;
        private List<String> index;
        private List<InterpreterMapping> interpreters;
        private Restrictions restrictions;
        private Limits limits;
        private ProgramLimits programLimits;
        private ConnectionLimits connections;
        private ProgramUser programUser;
        private CrashLoopPolicy crashLoop;
        private CrashDumpPolicy crashDumps;
        private EnvironmentPolicy environment;
        private Path documentRoot;
        private Path logDir;
        private Path traceDir;
        private ErrorMode errorMode;
        private FailedRequestTracing failedRequestTracing;
        private List<VirtualSite> sites;
        private Path source;
        private String operatorListen;

        private Builder(ServerConfig c) {
            listen = c.listen; cgi = c.cgi; aliases = c.aliases; fastcgi = c.fastcgi; deny = c.deny; index = c.index;
            interpreters = c.interpreters; restrictions = c.restrictions;
            limits = c.limits; programLimits = c.programLimits; connections = c.connections;
            programUser = c.programUser; crashLoop = c.crashLoop; crashDumps = c.crashDumps; environment = c.environment;
            documentRoot = c.documentRoot; logDir = c.logDir; traceDir = c.traceDir; errorMode = c.errorMode;
            failedRequestTracing = c.failedRequestTracing; sites = c.sites; source = c.source;
            operatorListen = c.operatorListen;
        }

        public Builder listen(List<String> v) { listen = v; return this; }
        public Builder cgi(List<CgiMapping> v) { cgi = v; return this; }
        public Builder fastcgi(List<FastCgiMapping> v) { fastcgi = v; return this; }
        public Builder aliases(List<AliasMapping> v) { aliases = v; return this; }
        public Builder deny(List<DenyRule> v) { deny = v; return this; }
        public Builder index(List<String> v) { index = v; return this; }
        public Builder interpreters(List<InterpreterMapping> v) { interpreters = v; return this; }
        public Builder restrictions(Restrictions v) { restrictions = v; return this; }
        public Builder limits(Limits v) { limits = v; return this; }
        public Builder programLimits(ProgramLimits v) { programLimits = v; return this; }
        public Builder connections(ConnectionLimits v) { connections = v; return this; }
        public Builder programUser(ProgramUser v) { programUser = v; return this; }
        public Builder crashLoop(CrashLoopPolicy v) { crashLoop = v; return this; }
        public Builder crashDumps(CrashDumpPolicy v) { crashDumps = v; return this; }
        public Builder environment(EnvironmentPolicy v) { environment = v; return this; }
        public Builder documentRoot(Path v) { documentRoot = v; return this; }
        public Builder logDir(Path v) { logDir = v; return this; }
        public Builder traceDir(Path v) { traceDir = v; return this; }
        public Builder errorMode(ErrorMode v) { errorMode = v; return this; }
        public Builder failedRequestTracing(FailedRequestTracing v) { failedRequestTracing = v; return this; }
        public Builder sites(List<VirtualSite> v) { sites = v; return this; }
        public Builder source(Path v) { source = v; return this; }
        public Builder operatorListen(String v) { operatorListen = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(listen, cgi, aliases, fastcgi, deny, interpreters, restrictions, limits,
                    programLimits, connections, programUser, crashLoop, crashDumps, environment, documentRoot, index, logDir,
                    traceDir, errorMode, failedRequestTracing, sites, source, operatorListen);
        }
    }
}
