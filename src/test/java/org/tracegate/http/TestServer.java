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
import java.util.function.UnaryOperator;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.Limits;
import org.tracegate.config.ServerConfig;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;

/**
 * A real Tracegate server on an ephemeral loopback port, serving the test fixtures
 * (src/test/cgi-bin) at /t/ and the demo programs (demo/cgi-bin) at /demo/.
 */
public final class TestServer implements AutoCloseable {
    public static final Path FIXTURES = Path.of("src/test/cgi-bin").toAbsolutePath();
    public static final Path DEMO = Path.of("demo/cgi-bin").toAbsolutePath();

    public final TracegateServer server;
    public final Path logDir;
    private final ErrorLog errorLog;
    public final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(ServerConfig config, Path logDir, TraceSink sink) throws Exception {
        this.logDir = logDir;
        this.errorLog = ErrorLog.toDirectory(logDir);
        this.server = new TracegateServer(config, ProcessLauncher.platformDefault(), errorLog, sink);
        server.start();
    }

    /** Default config: fixtures and demo mapped, short timeouts so failure tests are quick. */
    public static ServerConfig baseConfig() {
        Limits l = Limits.defaults();
        l = new Limits(Duration.ofSeconds(2), 502, Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(2),
                l.maxRequestBody(), l.spoolMemory(), l.headerLineBytes(), l.headerLines(), l.headerBlockBytes(),
                l.maxConcurrent(), l.queueSize(), l.queueTimeout(), l.redirectHops());
        return ServerConfig.defaults().withListen(List.of("127.0.0.1:0"))
                .withCgi(List.of(new CgiMapping("/t/", FIXTURES, false), new CgiMapping("/demo/", DEMO, false)))
                .withLimits(l);
    }

    public static TestServer start() throws Exception {
        return start(c -> c);
    }

    public static TestServer start(UnaryOperator<ServerConfig> tweak) throws Exception {
        return start(tweak, TraceSink.NONE);
    }

    public static TestServer start(UnaryOperator<ServerConfig> tweak, TraceSink sink) throws Exception {
        Path logs = Files.createTempDirectory("tracegate-test-logs");
        return new TestServer(tweak.apply(baseConfig()), logs, sink);
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

    /** The error log so far (waits briefly for the writer thread). */
    public String errorLog() throws IOException, InterruptedException {
        Thread.sleep(150);
        Path f = logDir.resolve("error.log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    @Override
    public void close() throws Exception {
        server.close();
        errorLog.close();
    }
}
