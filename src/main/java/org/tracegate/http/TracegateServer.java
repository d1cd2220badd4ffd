package org.tracegate.http;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.tracegate.accesslog.AccessLogWriter;
import org.tracegate.admin.RuntimeFiles;
import org.tracegate.admin.SessionControl;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.VirtualSite;
import org.tracegate.config.ServerConfig;
import org.tracegate.crash.CrashDumps;
import org.tracegate.gateway.ConcurrencyGate;
import org.tracegate.gateway.CrashLoopGuard;
import org.tracegate.gateway.ProgramPolicies;
import org.tracegate.gateway.fastcgi.FastCgiBackend;
import org.tracegate.gateway.fastcgi.FastCgiGateway;
import org.tracegate.gateway.fastcgi.RequestLanes;
import org.tracegate.site.Router;
import org.tracegate.gateway.cgi.CgiGateway;
import org.tracegate.metrics.FailedTraces;
import org.tracegate.metrics.LiveRequests;
import org.tracegate.metrics.FastCgiPoolView;
import org.tracegate.metrics.RecentRequests;
import org.tracegate.metrics.ServerMetrics;
import org.tracegate.metrics.Slots;
import org.tracegate.metrics.TimedLauncher;
import org.tracegate.operator.Operator;
import org.tracegate.operator.OperatorHandler;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;

/**
 * Builds and runs the Jetty server for a {@link ServerConfig}: one connector per listen address and one
 * handler tree — {@link RequestHandler} owning every request, around the CGI handler and then the static
 * files of the document root (nothing served: its 404.0 page).
 */
public final class TracegateServer implements AutoCloseable {
    private final ServerConfig config;
    private final Server server;
    private final CgiGateway gateway;
    private final ErrorLog errorLog;
    private final List<ServerConnector> connectors = new ArrayList<>();
    private final Watchdog watchdog;
    private final ProgramPolicies policies;
    private final List<FastCgiBackend> fastCgiBackends = new ArrayList<>();
    private final List<RequestLanes> fastCgiLanes = new ArrayList<>();
    private final List<FastCgiPoolView> fastCgiPools = new ArrayList<>();
    private final FastCgiGateway fastcgiGateway;
    /** Keeps crashed programs' cores and backtraces ([crashDumps]), or null when off. */
    private final CrashDumps crashDumps;
    private final ConnectionGuard connectionGuard;
    /** The failed-request tracer whose rules the operator may change at runtime, once {@link #allowRuleChanges} gave it. */
    private final java.util.concurrent.atomic.AtomicReference<org.tracegate.failtrace.FailedRequestTracer> editableRules =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** The access logs of sites after the first, which the server opened and closes. */
    private final List<AccessLogWriter> siteLogs = new ArrayList<>();
    private ServerConnector operator;
    private java.nio.file.Path runtimeDir;
    private String adminToken;
    private LiveRequests live;
    private RecentRequests recent;
    private FailedTraces failedTraces;
    private ServerMetrics metrics;

    public TracegateServer(ServerConfig config, ProcessLauncher launcher, ErrorLog errorLog) {
        this(config, launcher, errorLog, TraceSink.NONE);
    }

    public TracegateServer(ServerConfig config, ProcessLauncher launcher, ErrorLog errorLog, TraceSink traceSink) {
        this(config, launcher, errorLog, traceSink, null);
    }

    public TracegateServer(ServerConfig config, ProcessLauncher launcher, ErrorLog errorLog, TraceSink traceSink,
                           SessionControl sessions) {
        this(config, launcher, errorLog, traceSink, sessions, null);
    }

    /**
     * @param sessions  trace-session control for the admin endpoint, or null for no admin endpoint
     * @param accessLog where every request is logged, or null for no access log
     */
    public TracegateServer(ServerConfig config, ProcessLauncher launcher, ErrorLog errorLog, TraceSink traceSink,
                           SessionControl sessions, AccessLogWriter accessLog) {
        this.config = config;
        this.errorLog = errorLog;
        // The operator's view exists with its listener: live requests, the last hour, the meters (fed from the traces).
        if (sessions != null && config.operatorListen() != null) {
            live = new LiveRequests();
            recent = new RecentRequests();
            failedTraces = new FailedTraces();
            metrics = new ServerMetrics(config, live, recent, failedTraces);
            launcher = new TimedLauncher(launcher, metrics.spawnTimer());
            traceSink = TraceSink.all(List.of(traceSink, metrics), errorLog);
        }
        String probing = ClientProbe.unavailable();
        if (probing != null) errorLog.log(null, "client-disconnect probing is off (" + probing + ")");
        // Platform threads on purpose: a request thread blocks reading its program's stdout pipe, and on
        // JDK 25 such a read pins a virtual thread's carrier without compensation (see CgiGateway.PUMPS).
        // Enough threads for every running and queued program plus headroom for static files and errors.
        int maxThreads = config.limits().maxConcurrent() + config.limits().queueSize() + 64;
        QueuedThreadPool threads = new SiteThreads(maxThreads, 8);
        threads.setName("tracegate-http");
        server = new Server(threads);
        server.setStopTimeout(config.limits().shutdownGrace().toMillis());

        HttpConfiguration http = new HttpConfiguration();
        // Any header block our parser accepts must fit Jetty's response header buffer. Jetty starts with the
        // pooled default (8 KiB) and takes the larger buffer only for a head that overflows it: a response
        // header size above the pool's 64 KiB largest bucket made every response allocate (and zero) a fresh
        // 80 KiB direct buffer, 10 % of the FastCGI hello's CPU and a System.gc() whenever direct memory ran
        // out (bench/README.md, "FastCGI").
        http.setMaxResponseHeaderSize(config.limits().headerBlockBytes() + 16 * 1024);
        http.setRequestHeaderSize(16 * 1024);
        // No per-connection header cache: Jetty's (1,024 entries) is two ~49 KB char arrays on every connection from
        // its second request on, so 1,000 idle keep-alive connections from four addresses held 78 MB of a 96 MB heap
        // (docs/security.md), and each closed one left ~100 KB in the old generation, a full collection every few
        // hundred new connections. Jetty's shared cache of common fields still applies.
        http.setHeaderCacheSize(0);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // RFC 9112 §3.2.2: an absolute-form target's authority wins over Host; Jetty would answer 400.
        http.setHttpCompliance(HttpCompliance.RFC9110.with("tracegate", HttpCompliance.Violation.MISMATCHED_AUTHORITY));
        // Jetty's idle timeout must outlast ours: a program may legitimately stay silent that long.
        long idleMillis = Math.max(30_000, Math.max(config.limits().headerTimeout().toMillis(),
                config.limits().idleTimeout().toMillis()) + 10_000);
        for (String listen : config.listen()) {
            // HeadGateConnectionFactory: Jetty's HTTP/1.1, with request heads gathered off the thread pool (slowloris).
            ServerConnector c = new SiteConnector(server, new HeadGateConnectionFactory(http));
            c.setIdleTimeout(idleMillis);
            URI u = URI.create("http://" + listen);
            c.setHost(u.getHost());
            c.setPort(u.getPort());
            server.addConnector(c);
            connectors.add(c);
        }
        // The connection side (slowloris, connection floods): the request-head deadline on every connector, the
        // per-client and total caps on these site connectors (not the admin one). See ConnectionGuard.
        connectionGuard = ConnectionGuard.install(server, connectors, config.connections(), errorLog);

        policies = ProgramPolicies.resolve(config);
        watchdog = new Watchdog(message -> errorLog.log(null, message));
        crashDumps = CrashDumps.start(config.crashDumps(), config.logDir(), errorLog);
        gateway = new CgiGateway(launcher, watchdog, errorLog, config.limits(), config.environment(), System.getenv(),
                config.failedRequestTracing().recordBodyBytes(), crashDumps);
        // Server-wide: the program slots, crash-loop protection (per program), the gateways. Per site: its
        // mappings (router, policies, FastCGI applications) and its access log.
        ServerMetrics meters = metrics;
        ConcurrencyGate gate = new ConcurrencyGate(config.limits().maxConcurrent(), config.limits().queueSize(),
                config.limits().queueTimeout(), meters == null ? nanos -> {} : meters::queueWaited);
        if (meters != null) meters.slots(new Slots(gate.capacity(), gate::busy, gate::waiting));
        CrashLoopGuard crashLoops = new CrashLoopGuard(config.crashLoop());
        fastcgiGateway = new FastCgiGateway(watchdog, errorLog, config.limits(), config.environment(), System.getenv());
        StaticServer statics = new StaticServer(ResourceFactory.of(server));
        List<RequestHandler.VirtualHost> hosts = new ArrayList<>();
        for (VirtualSite vs : config.siteList()) {
            ServerConfig sc = vs.config();
            ProgramPolicies sitePolicies = vs.id() == 1 ? policies : ProgramPolicies.resolve(sc);
            Router router = new Router(sc);
            CgiRunner cgi = new CgiRunner(sc, router, gateway, gate, sitePolicies, crashLoops, errorLog);
            FastCgiRunner fastcgi = null;
            if (!sc.fastcgi().isEmpty()) {
                Map<FastCgiMapping, FastCgiGateway.Application> apps = new LinkedHashMap<>();
                for (FastCgiMapping m : sc.fastcgi()) {
                    FastCgiBackend backend = FastCgiBackends.of(m, sc, sitePolicies, errorLog, launcher,
                            connectors.isEmpty() ? null : (SiteConnector) connectors.getFirst());
                    fastCgiBackends.add(backend);
                    RequestLanes lanes = new RequestLanes(Integer.toString(fastCgiLanes.size() + 1), m.pool().maxInstances(),
                            m.pool().queueLength(), m.pool().queueTimeout(), watchdog, line -> errorLog.log(null, line));
                    fastCgiLanes.add(lanes);
                    FastCgiPoolView view = poolView(vs.id(), m, backend, lanes);
                    fastCgiPools.add(view);
                    if (metrics != null) metrics.pool(view);
                    apps.put(m, new FastCgiGateway.Application(m, backend, lanes, sitePolicies.global().limits().stderrKiB() << 10));
                }
                fastcgi = new FastCgiRunner(sc, fastcgiGateway, apps);
            }
            AccessLogWriter log = accessLog;
            if (vs.id() > 1 && accessLog != null && config.logDir() != null) {
                // IIS's layout: every further site logs in a W3SVC<id> directory of its own.
                try {
                    log = accessLog.inDirectory(config.logDir().resolve("W3SVC" + vs.id()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("the access log of " + vs.describe(), e);
                }
                siteLogs.add(log);
            }
            hosts.add(new RequestHandler.VirtualHost(vs.id(), vs, new Site(sc, errorLog, traceSink, log, live),
                    new SiteHandler(router, cgi, fastcgi, statics)));
        }
        // Not dynamic: a dynamic sequence reports itself BLOCKING whatever its handlers are, and the tree must be
        // NON_BLOCKING for Jetty to call SiteHandler on the selector thread.
        Handler.Sequence top = new Handler.Sequence(false, List.of());
        if (sessions != null && config.operatorListen() != null) {
            // The operator listener: its own connector and its own threads, so the dashboard, /metrics and the admin API
            // answer while every program slot (and every site thread) is busy. Its requests are the operator's, not the
            // site's: they never reach RequestHandler, the access log or the traces.
            QueuedThreadPool operatorThreads = new QueuedThreadPool(16, 2);
            operatorThreads.setName("tracegate-operator");
            operator = new ServerConnector(server, operatorThreads, null, null, 1, 1, new HttpConnectionFactory(http));
            URI u = URI.create("http://" + config.operatorListen());
            operator.setHost(u.getHost());
            operator.setPort(u.getPort());
            operator.setName("operator");
            server.addConnector(operator);
            runtimeDir = RuntimeFiles.directory(config.logDir());
            adminToken = RuntimeFiles.newToken();
            Path frebDir = config.failedRequestTraceDirectory(); // rules may be added at runtime
            top.addHandler(new OperatorHandler(operator, new Operator(adminToken, sessions, config, metrics, live, recent,
                    failedTraces, new Slots(gate.capacity(), gate::busy, gate::waiting), List.copyOf(fastCgiPools),
                    java.time.Instant.now(), this::urls, this::end, frebDir, runtimeDir.resolve("sessions"), errorLog,
                    editableRules::get)));
        }
        RequestHandler requests = new RequestHandler(hosts);
        top.addHandler(requests);
        server.setHandler(new GracefulHandler(top));
        server.setErrorHandler(new BadMessages(requests));
    }

    /** Every FastCGI application of every site, as the operator's summary shows them. */
    public List<FastCgiPoolView> fastCgiPools() { return List.copyOf(fastCgiPools); }

    /** The operator's view of one FastCGI application: the backend's counters and the lanes' queue. */
    private static FastCgiPoolView poolView(int site, FastCgiMapping m, FastCgiBackend backend, RequestLanes lanes) {
        return new FastCgiPoolView(site, m.prefix() == null ? m.describe() : m.prefix(), m.managed(),
                m.describe(), m.pool().maxInstances(), m.pool().queueLength(), () -> {
                    FastCgiBackend.Occupancy o = backend.occupancy();
                    return new FastCgiPoolView.Now(o.busy(), o.idle(), o.waiting() + lanes.queued(), o.stoppedUntil(),
                            o.lastFailure());
                });
    }

    public void start() throws Exception {
        server.start();
        if (operator != null) RuntimeFiles.write(runtimeDir, adminToken, operatorUrl(), urls()); // only once all listeners are bound
    }

    /** "http://127.0.0.1:PORT/admin/", or null without an operator listener. */
    public String adminUrl() {
        return operator == null ? null : operatorUrl() + "admin/";
    }

    /**
     * "http://HOST:PORT/" of the operator listener as a client on this machine reaches it (a wildcard address as
     * 127.0.0.1), or null without one.
     */
    public String operatorUrl() {
        if (operator == null) return null;
        String host = operator.getHost();
        if (host == null || host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::")) host = "127.0.0.1";
        if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
        return "http://" + host + ":" + operator.getLocalPort() + "/";
    }

    /** The bound addresses, e.g. for "listening on" lines and tests using port 0. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (ServerConnector c : connectors) {
            out.add(new InetSocketAddress(c.getHost() == null ? "0.0.0.0" : c.getHost(), c.getLocalPort()));
        }
        return out;
    }

    /** "http://127.0.0.1:8080/" for each listener. */
    public List<String> urls() {
        List<String> out = new ArrayList<>();
        for (InetSocketAddress a : addresses()) {
            String host = a.getHostString();
            if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
            out.add("http://" + host + ":" + a.getPort() + "/");
        }
        return out;
    }

    /**
     * Stops accepting, lets running programs finish within the shutdown grace, then ends the process
     * groups of any still running.
     */
    @Override
    public void close() throws Exception {
        Thread killer = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(config.limits().shutdownGrace());
                gateway.shutdown(config.limits().killGrace());
            } catch (InterruptedException ignored) {
                // Stopped in time.
            }
        });
        try {
            server.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            // Requests still running after the grace: their programs are ended below.
        } finally {
            killer.interrupt();
            gateway.shutdown(config.limits().killGrace());
            for (RequestLanes l : fastCgiLanes) l.stop();      // before the backends: a queued request is refused,
            for (FastCgiBackend b : fastCgiBackends) b.close(); // not started on a closed pool
            for (RequestLanes l : fastCgiLanes) l.close();     // then the lanes end: closed backends end their requests
            if (crashDumps != null) crashDumps.close();
            for (AccessLogWriter l : siteLogs) l.close();
            if (operator != null) RuntimeFiles.remove(runtimeDir);
            watchdog.close();
            if (metrics != null) metrics.close();
        }
    }

    public ServerConfig config() { return config; }

    /** Ends the request with this id, a CGI program or a FastCGI exchange; false when nothing of it runs. */
    public boolean end(String requestId) { return gateway.end(requestId) || fastcgiGateway.end(requestId); }

    /** Lets the operator listener view and change {@code tracer}'s failed-request rules at runtime. */
    public void allowRuleChanges(org.tracegate.failtrace.FailedRequestTracer tracer) { editableRules.set(tracer); }

    /** Who programs run as, and warnings about it: one line each, for the start-up banner. */
    public List<String> programSummary() {
        List<String> lines = new ArrayList<>(policies.summary());
        if (crashDumps != null) {
            List<java.nio.file.Path> dirs = config.siteList().stream().flatMap(vs -> vs.config().cgi().stream())
                    .map(m -> m.directory() != null ? m.directory() : m.program().getParent()).distinct().toList();
            lines.addAll(crashDumps.notes(dirs, policies.global().uid(), policies.global().gid()));
        }
        return lines;
    }
    /** Jetty's request thread pool, for tests that watch its size. */
    QueuedThreadPool threadPool() { return (QueuedThreadPool) server.getThreadPool(); }

    /** Open client connections on the site's connectors, for tests. */
    int connectedEndPoints() {
        return connectors.stream().mapToInt(c -> c.getConnectedEndPoints().size()).sum();
    }

    /** The connection side's parts, for tests that read their counts. */
    ConnectionGuard connectionGuard() { return connectionGuard; }
}
