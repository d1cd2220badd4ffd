package org.tracegate.gateway.cgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.Limits;
import org.tracegate.config.ProgramLimits;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.ProgramPolicy;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceRecord;

/**
 * A {@link CgiGateway} without a server: real programs, a real launcher and watchdog, an in-memory sink,
 * the error log captured. Short deadlines, so the timeout cases take well under a second each.
 */
final class GatewayRig implements AutoCloseable {
    static final Duration HEADER_TIMEOUT = Duration.ofMillis(400);
    static final Duration IDLE_TIMEOUT = Duration.ofMillis(400);
    static final Duration KILL_GRACE = Duration.ofMillis(500);

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final ErrorLog errorLog = ErrorLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    private final Watchdog watchdog = new Watchdog();
    private final Path dir;
    final CgiGateway gateway;
    final RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "DefaultAppPool", 1, 1));
    final MemorySink sink = new MemorySink();
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    String method = "GET";
    String query = "";
    String pathInfo = "";

    GatewayRig(Path dir) { this(dir, ProcessLauncher.platformDefault()); }

    private ProgramPolicy policy = ProgramPolicy.asServer(ProgramLimits.defaults());

    GatewayRig(Path dir, ProcessLauncher launcher) {
        this.dir = dir;
        Limits limits = Limits.defaults().withHeaderTimeout(HEADER_TIMEOUT).withIdleTimeout(IDLE_TIMEOUT);
        limits = limits.withKillGrace(KILL_GRACE);
        gateway = new CgiGateway(launcher, watchdog, errorLog, limits, EnvironmentPolicy.defaults(),
                Map.of("PATH", "/usr/bin:/bin"));
    }

    /** Writes an executable shell script into the rig's directory. */
    Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n", StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** As whom and with which limits the programs run; by default as the test itself, default limits. */
    GatewayRig policy(ProgramPolicy p) {
        policy = p;
        return this;
    }

    GatewayRig header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    CgiOutcome serve(Path script) { return serve(script, null, -1); }

    CgiOutcome serve(Path script, InputStream body, long contentLength) {
        String name = "/cgi-bin/" + script.getFileName();
        GatewayRequest request = new GatewayRequest(method, name + pathInfo + (query.isEmpty() ? "" : "?" + query), query,
                name, pathInfo, script, dir, "HTTP/1.1", "localhost", 8080, "127.0.0.1", "127.0.0.1", 40000, false,
                contentLength, contentLength < 0 ? null : "application/octet-stream", headers, false);
        return gateway.serve(request, List.of(script.toString()), policy, body, sink, trace);
    }

    /** The names of the request thread's events in order; the pumps' (stderr, stdin) are left out. */
    List<String> events() {
        return trace.records().stream().map(r -> r.event().name())
                .filter(n -> !n.equals("CGI_STDERR") && !n.equals("CGI_REQUEST_ENTITY_SENT")).toList();
    }

    <T extends TraceEvent> T event(Class<T> type) {
        T e = trace.first(type);
        if (e == null) throw new AssertionError("no " + type.getSimpleName() + " in " + events());
        return e;
    }

    List<TraceRecord> records() { return trace.records(); }

    /** The error log's lines without their timestamps, "[request-id] message"; stops the log, so call it last. */
    List<String> errorLogLines() {
        errorLog.close();
        return logBytes.toString(StandardCharsets.UTF_8).lines().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
    }

    String requestId() { return trace.context().requestId(); }

    @Override
    public void close() {
        errorLog.close();
        watchdog.close();
    }
}
