package org.tracegate.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.tracegate.accesslog.W3cLogParser;
import org.tracegate.accesslog.W3cLogWriter;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.CrashLoopPolicy;
import org.tracegate.config.Limits;
import org.tracegate.config.ServerConfig;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;

/**
 * A real Tracegate server on an ephemeral loopback port, serving the test fixtures
 * (src/test/cgi-bin) at /t/ and the demo programs (demo/cgi-bin) at /demo/, with its error log and W3C
 * access log in a temp directory.
 *
 * <p>As a JUnit extension it is started before the class's tests and stopped after them:
 * {@code @RegisterExtension static final TestServer ts = TestServer.fixture(c -> ...);}. Started by hand
 * ({@link #start}) it must be closed by the caller.
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    public static final Path FIXTURES = Path.of("src/test/cgi-bin").toAbsolutePath();
    public static final Path DEMO = Path.of("demo/cgi-bin").toAbsolutePath();

    private final UnaryOperator<ServerConfig> tweak;
    private final TraceSink sink;
    public TracegateServer server;
    public Path logDir;
    private ErrorLog errorLog;
    private String errorLogAtClose;
    private W3cLogWriter accessLog;
    public final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final ServerConfig base;

    private TestServer(UnaryOperator<ServerConfig> tweak, TraceSink sink) { this(baseConfig(), tweak, sink); }

    private TestServer(ServerConfig base, UnaryOperator<ServerConfig> tweak, TraceSink sink) {
        this.base = base;
        this.tweak = tweak;
        this.sink = sink;
    }

    private TestServer started() throws Exception {
        logDir = Files.createTempDirectory("tracegate-test-logs");
        errorLog = ErrorLog.toDirectory(logDir);
        accessLog = new W3cLogWriter(logDir);
        server = new TracegateServer(tweak.apply(base), ProcessLauncher.platformDefault(), errorLog, sink,
                null, accessLog);
        server.start();
        return this;
    }

    /** A server for {@code config} as it is (e.g. loaded from examples/), on an ephemeral loopback port. */
    public static TestServer startWith(ServerConfig config) throws Exception {
        return startWith(config, TraceSink.NONE);
    }

    public static TestServer startWith(ServerConfig config, TraceSink sink) throws Exception {
        return new TestServer(config.withListen(List.of("127.0.0.1:0")), c -> c, sink).started();
    }

    /** A server for a test class's extension field; started in beforeAll, stopped in afterAll. */
    public static TestServer fixture() { return fixture(c -> c); }

    public static TestServer fixture(UnaryOperator<ServerConfig> tweak) { return fixture(tweak, TraceSink.NONE); }

    public static TestServer fixture(UnaryOperator<ServerConfig> tweak, TraceSink sink) {
        return new TestServer(tweak, sink);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception { started(); }

    @Override
    public void afterAll(ExtensionContext context) throws Exception { close(); }

    /** Default config: fixtures and demo mapped, short timeouts so failure tests are quick. */
    public static ServerConfig baseConfig() {
        Limits l = Limits.defaults();
        l = new Limits(Duration.ofSeconds(2), 502, Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(2),
                l.maxRequestBody(), l.spoolMemory(), l.headerLineBytes(), l.headerLines(), l.headerBlockBytes(),
                l.maxConcurrent(), l.queueSize(), l.queueTimeout(), l.redirectHops(), l.totalTimeout());
        return ServerConfig.defaults().withListen(List.of("127.0.0.1:0"))
                .withCgi(List.of(new CgiMapping("/t/", FIXTURES, false), new CgiMapping("/demo/", DEMO, false)))
                .withLimits(l)
                // Failure tests run the same crashing programs many times: the crash-loop tests turn it on.
                .toBuilder().crashLoop(new CrashLoopPolicy(0, Duration.ofSeconds(60), Duration.ofSeconds(30))).build();
    }

    public static TestServer start() throws Exception {
        return start(c -> c);
    }

    public static TestServer start(UnaryOperator<ServerConfig> tweak) throws Exception {
        return start(tweak, TraceSink.NONE);
    }

    public static TestServer start(UnaryOperator<ServerConfig> tweak, TraceSink sink) throws Exception {
        return new TestServer(tweak, sink).started();
    }

    public int port() { return server.addresses().getFirst().getPort(); }

    public URI uri(String pathAndQuery) { return URI.create("http://127.0.0.1:" + port() + pathAndQuery); }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return client.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpRequest.Builder request(String pathAndQuery) { return HttpRequest.newBuilder(uri(pathAndQuery)); }

    /** Sends raw bytes and returns everything the server sent until it closed (or the timeout). */
    public String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Like {@link #raw(String)}, but half-closes the connection after sending (the client has no more to say). */
    public String rawThenHalfClose(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The whole error log, shutdown included, once {@link #close()} has run (its directory is gone then). */
    public String errorLogAtClose() { return errorLogAtClose; }

    /** The error log so far (waits briefly for the writer thread). */
    public String errorLog() throws IOException, InterruptedException {
        Thread.sleep(150);
        Path f = logDir.resolve("error.log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    /**
     * The access-log row of the request with this id. Polls: the line is written when Jetty completes the
     * request, which may be a moment after the client has read the response.
     */
    public Map<String, String> accessLogRow(String requestId) throws Exception {
        for (int i = 0; i < 100; i++) {
            for (Map<String, String> row : accessLog()) {
                if (requestId.equals(row.get("x-activity-id"))) return row;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no access-log line for request " + requestId + " in " + accessLog());
    }

    /** The access log's rows so far, parsed (waits for the writer). */
    public List<Map<String, String>> accessLog() throws IOException {
        accessLog.awaitWritten(Duration.ofSeconds(5));
        try (var files = Files.list(logDir)) {
            Path f = files.filter(p -> p.getFileName().toString().startsWith("u_ex")).findFirst().orElse(null);
            return f == null ? List.of() : W3cLogParser.parse(f);
        }
    }

    @Override
    public void close() throws Exception {
        if (server == null) return;
        server.close();
        errorLog.close();
        accessLog.close();
        server = null;
        Path f = logDir.resolve("error.log");
        errorLogAtClose = Files.exists(f) ? Files.readString(f) : "";
        TempDirectories.delete(logDir);
    }
}
