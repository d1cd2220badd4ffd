package org.tracegate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.tracegate.accesslog.AccessLogWriter;
import org.tracegate.accesslog.NcsaLogWriter;
import org.tracegate.accesslog.WriterSettings;
import org.tracegate.accesslog.W3cLogWriter;
import org.tracegate.admin.RuntimeFiles;
import org.tracegate.admin.ServerLock;
import org.tracegate.admin.SessionManager;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.TraceRule;
import org.tracegate.failtrace.FailedRequestTracer;
import org.tracegate.config.ConfigException;
import org.tracegate.config.ConfigLoader;
import org.tracegate.config.ConfigProblem;
import org.tracegate.config.ServerConfig;
import org.tracegate.http.TracegateServer;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracegate serve}: runs the server until SIGTERM or SIGINT, then stops gracefully and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve CGI programs. With no --cgi and no --config, serves the bundled demo site.")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "TOML configuration file (docs/configuration.md).")
    Path configFile;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (repeatable). Default 127.0.0.1:8080.")
    List<String> listen = new ArrayList<>();

    @Option(names = "--operator-listen", paramLabel = "HOST:PORT|off",
            description = "The operator listener (dashboard, /metrics, /api/, the admin API). Default 127.0.0.1:0: "
                    + "loopback, a free port, written to the runtime file in the log dir.")
    String operatorListen;

    @Option(names = "--cgi", paramLabel = "URL_PREFIX=DIRECTORY", description = "Map a URL prefix to a directory of programs (repeatable).")
    List<String> cgi = new ArrayList<>();

    @Option(names = "--log-dir", paramLabel = "DIR", description = "Directory for error.log.")
    Path logDir;

    @Option(names = "--trace-dir", paramLabel = "DIR", description = "Directory for failed-request traces.")
    Path traceDir;

    @Option(names = "--header-timeout", paramLabel = "SECONDS", description = "Time allowed for a complete header block.")
    Double headerTimeout;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "Time allowed between body reads.")
    Double idleTimeout;

    @Option(names = "--trace-failed", paramLabel = "STATUS_CODES",
            description = "Write a failed-request trace for every path whose status is in this list, e.g. 500-599,404.2.")
    String traceFailed;

    @Option(names = "--access-log", paramLabel = "FORMAT", description = "Access log in the log directory: w3c (default), ncsa or off.")
    String accessLog = "w3c";

    /**
     * Checks everything that can be checked before binding (config, flags, directories, the lock on the log
     * directory), so that each of those mistakes is a line on stderr and nothing of a running server's changes.
     */
    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = resolve();
            ServeDirectories.prepare(config, logDir != null, traceDir != null);
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) System.err.println("tracegate: " + p);
            return 2;
        }
        Path runtimeDir = RuntimeFiles.directory(config.logDir());
        ServerLock lock;
        try {
            lock = ServerLock.acquire(runtimeDir);
        } catch (IOException e) {
            System.err.println("tracegate: " + (e instanceof ServerLock.AlreadyServing ? e.getMessage()
                    : "cannot lock " + runtimeDir.resolve(ServerLock.FILE) + ": " + e.getMessage()));
            return 1;
        }
        try (lock) {
            return serve(config, runtimeDir);
        }
    }

    /** Runs the server until SIGTERM or SIGINT; 1 when it cannot listen. */
    private int serve(ServerConfig config, Path runtimeDir) throws Exception {
        ErrorLog errorLog = config.logDir() == null ? ErrorLog.to(System.err) : ErrorLog.toDirectory(config.logDir());
        WriterSettings logSettings = WriterSettings.defaults().withProblems(message -> errorLog.log(null, message));
        AccessLogWriter access = config.logDir() == null ? null : switch (accessLog) {
            case "w3c" -> new W3cLogWriter(config.logDir(), logSettings);
            case "ncsa" -> new NcsaLogWriter(config.logDir(), logSettings);
            default -> null;
        };
        // Always a tracer, even with no rules: the operator may add rules at runtime (docs/operator.md).
        FailedRequestTracer freb = FailedRequestTracer.editable(config, errorLog);
        SessionManager sessions = new SessionManager(runtimeDir.resolve("sessions"), errorLog);
        TraceSink sinks = TraceSink.all(List.of(freb, sessions), errorLog);
        TracegateServer server;
        try {
            server = new TracegateServer(config, ProcessLauncher.platformDefault(m -> errorLog.log(null, m)), errorLog, sinks,
                    sessions, access);
        } catch (IllegalArgumentException e) { // who programs run as cannot be resolved or switched to
            System.err.println("tracegate: " + e.getMessage());
            closeLogs(sessions, freb, errorLog, access);
            return 2;
        }
        server.allowRuleChanges(freb);
        try {
            server.start();
        } catch (IOException e) {
            List<String> addresses = new ArrayList<>(config.listen());
            if (config.operatorListen() != null) addresses.add(config.operatorListen());
            System.err.println("tracegate: " + ListenFailure.describe(e, addresses));
            closeLogs(sessions, freb, errorLog, access);
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        // Our own handlers (not a shutdown hook) so a SIGTERM ends in a graceful stop and exit status 0;
        // installed before "listening on" so a caller that signals right after seeing it gets that too.
        for (String sig : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> stop.countDown());
        }
        // SIGHUP's default would end the server and orphan its programs: it is logged and ignored.
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
            errorLog.log(null, "SIGHUP received: reloading the configuration is not implemented; ignored (restart to reload)");
            System.err.println("tracegate: SIGHUP ignored (restart to reload the configuration)");
        });
        for (String line : server.programSummary()) System.out.println(line);
        for (String url : server.urls()) System.out.println("listening on " + url);
        if (server.operatorUrl() != null) System.out.println("operator listener on " + server.operatorUrl());
        System.out.flush();
        stop.await();
        System.err.println("tracegate: stopping (letting running programs finish for up to "
                + config.limits().shutdownGrace().toSeconds() + " s)");
        server.close();
        closeLogs(sessions, freb, errorLog, access);
        return 0;
    }

    private static void closeLogs(SessionManager sessions, TraceSink freb, ErrorLog errorLog, AccessLogWriter access)
            throws Exception {
        sessions.close();
        if (freb instanceof FailedRequestTracer tracer) tracer.close();
        errorLog.close();
        if (access != null) access.close();
    }

    /** The config file (or the demo's), then flags on top. */
    ServerConfig resolve() throws ConfigException {
        if (!List.of("w3c", "ncsa", "off").contains(accessLog)) {
            throw new ConfigException("--access-log: expected w3c, ncsa or off, got '" + accessLog + "'");
        }
        ServerConfig config;
        if (configFile != null) {
            config = ConfigLoader.load(configFile);
        } else if (cgi.isEmpty()) {
            config = ConfigLoader.load(demoConfig());
        } else {
            config = ServerConfig.defaults();
        }
        if (!listen.isEmpty()) {
            for (String l : listen) checkListen(l);
            config = config.withListen(listen);
        }
        if (operatorListen != null) {
            if (operatorListen.equals("off")) {
                config = config.withOperatorListen(null);
            } else {
                String problem = ConfigLoader.checkAddress(operatorListen);
                if (problem != null) throw new ConfigException("--operator-listen '" + operatorListen + "': " + problem);
                config = config.withOperatorListen(operatorListen);
            }
        }
        if (!cgi.isEmpty()) {
            List<CgiMapping> mappings = new ArrayList<>();
            for (String m : cgi) mappings.add(parseCgi(m));
            config = config.withCgi(mappings);
        }
        if (logDir != null) config = config.withLogDir(logDir.toAbsolutePath().normalize());
        if (traceDir != null) config = config.withTraceDir(traceDir.toAbsolutePath().normalize());
        if (headerTimeout != null) config = config.withLimits(config.limits().withHeaderTimeout(seconds(headerTimeout, "--header-timeout")));
        if (traceFailed != null) {
            config = config.withFailedRequestTracing(config.failedRequestTracing().withRule(TraceRule.forStatusCodes(traceFailed)));
        }
        if (idleTimeout != null) config = config.withLimits(config.limits().withIdleTimeout(seconds(idleTimeout, "--idle-timeout")));
        return config;
    }

    private static void checkListen(String l) throws ConfigException {
        String problem = ConfigLoader.checkAddress(l);
        if (problem != null) throw new ConfigException("--listen '" + l + "': " + problem);
    }

    static CgiMapping parseCgi(String spec) throws ConfigException {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new ConfigException("--cgi: expected URL_PREFIX=DIRECTORY, got '" + spec + "'");
        }
        String prefix = spec.substring(0, eq);
        if (!prefix.startsWith("/")) throw new ConfigException("--cgi: the URL prefix must start with '/', got '" + prefix + "'");
        if (!prefix.endsWith("/")) prefix = prefix + "/";
        Path dir = Path.of(spec.substring(eq + 1)).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) throw new ConfigException("--cgi: '" + dir + "' is not a directory");
        return new CgiMapping(prefix, dir, false);
    }

    private static Duration seconds(double s, String flag) throws ConfigException {
        if (!(s > 0) || Double.isInfinite(s)) throw new ConfigException(flag + ": expected a positive number of seconds, got " + s);
        return Duration.ofNanos((long) (s * 1e9));
    }

    /** The bundled demo: $TRACEGATE_HOME/demo/tracegate.toml (the launcher sets tracegate.home). */
    static Path demoConfig() throws ConfigException {
        String home = System.getProperty("tracegate.home", System.getenv().getOrDefault("TRACEGATE_HOME", "."));
        Path p = Path.of(home, "demo", "tracegate.toml").toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new ConfigException("no --cgi and no --config given, and the demo site's config " + p
                    + " does not exist (set TRACEGATE_HOME to the Tracegate checkout)");
        }
        return p;
    }
}
