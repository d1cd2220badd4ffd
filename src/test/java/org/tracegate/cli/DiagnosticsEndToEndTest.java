package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.admin.SessionManager;
import org.tracegate.config.ServerConfig;
import org.tracegate.config.TraceRule;
import org.tracegate.failtrace.FailedRequestTracer;
import org.tracegate.http.TestServer;
import org.tracegate.http.TracegateServer;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The seed's workflow against a running server: start a session from the CLI, POST 100 MB to a program
 * that dies while reading it, stop, convert to the seed's XML rows and check them; the same failures
 * leave fr*.xml files; the analyzer explains them.
 */
class DiagnosticsEndToEndTest {

    @Test
    void seedScenarioThroughSessionFrebAndAnalyzer(@TempDir Path logs) throws Exception {
        ServerConfig config = TestServer.baseConfig().withLogDir(logs);
        config = config.withFailedRequestTracing(config.failedRequestTracing().withRule(TraceRule.forStatusCodes("500-599")));
        FailedRequestTracer freb = new FailedRequestTracer(config.failedRequestTracing(), config.failedRequestTraceDirectory());
        SessionManager sessions = new SessionManager(logs.resolve("sessions"));
        long size = 100L * 1000 * 1000;
        HttpResponse<String> seed, hang;
        try (ErrorLog errors = ErrorLog.toDirectory(logs)) {
            TracegateServer server = new TracegateServer(config, ProcessLauncher.platformDefault(), errors,
                    TraceSink.all(List.of(freb, sessions)), sessions, null);
            server.start();
            try {
                StdioCli started = StdioCli.cli("trace", "start", "--log-dir", logs.toString(), "--areas", "General,CGI");
                assertThat(started.code()).as(started.err()).isZero();
                assertThat(started.out()).startsWith("trace session started: " + logs.resolve("sessions"));

                String base = "http://127.0.0.1:" + server.addresses().getFirst().getPort();
                HttpClient client = HttpClient.newHttpClient();
                seed = client.send(HttpRequest.newBuilder(URI.create(base + "/demo/dies-reading-post.pl"))
                        .timeout(Duration.ofSeconds(120))
                        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ZeroStream(size)), size)).build(), HttpResponse.BodyHandlers.ofString());
                hang = client.send(HttpRequest.newBuilder(URI.create(base + "/demo/hang.sh")).build(),
                        HttpResponse.BodyHandlers.ofString());

                StdioCli stopped = StdioCli.cli("trace", "stop", "--log-dir", logs.toString());
                assertThat(stopped.code()).as(stopped.err()).isZero();
                assertThat(stopped.out()).contains("trace session stopped: ").contains("(requests: 2)")
                        .contains("dropped: 0").contains("of at most " + SessionManager.DEFAULT_MAX_BYTES);
            } finally {
                server.close();
            }
        }
        freb.close();
        assertThat(seed.statusCode()).isEqualTo(502);
        assertThat(hang.statusCode()).isEqualTo(502);

        Path session;
        try (Stream<Path> s = Files.list(logs.resolve("sessions"))) { session = s.findFirst().orElseThrow(); }
        StdioCli xml = StdioCli.cli("trace", "convert", session.toString(), "--format", "xml");
        assertThat(xml.code()).as(xml.err()).isZero();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.out().getBytes(StandardCharsets.UTF_8)));
        NodeList rows = doc.getElementsByTagName("ROW");
        String seedContext = null;
        List<String> seedRows = new ArrayList<>();
        List<String> seedData = new ArrayList<>();
        for (int i = 0; i < rows.getLength(); i++) {
            Element row = (Element) rows.item(i);
            String type = text(row, "EventTypeName");
            String data = text(row, "UserData");
            if (type.equals("GENERAL_REQUEST_START") && data.contains("dies-reading-post.pl")) {
                seedContext = data.substring(0, data.indexOf('|'));
            }
            if (seedContext != null && data.startsWith(seedContext)) {
                seedRows.add(text(row, "EventName") + "/" + type);
                seedData.add(data);
            }
        }
        assertThat(seedRows).containsSubsequence("IISGeneral/GENERAL_REQUEST_START", "IISCGI/CGI_LAUNCH",
                "IISCGI/CGI_PREMATURE_TERMINATION", "IISGeneral/GENERAL_REQUEST_END");
        assertThat(seedData).anySatisfy(d -> assertThat(d).contains("ErrorCode=0x00000000|ProcessId="));
        assertThat(seedData).anySatisfy(d -> assertThat(d).matches("ContextId=\\{[^}]+}\\|Headers=\\|ExitCode=2\\|Signal="));
        assertThat(seedData.getLast()).contains("BytesReceived=" + size).contains("HttpStatus=502|HttpSubStatus=2");

        // The same two failures as failed-request traces.
        Path w3svc = config.failedRequestTraceDirectory().resolve("W3SVC1");
        Element fr1 = root(w3svc.resolve("fr000001.xml")), fr2 = root(w3svc.resolve("fr000002.xml"));
        assertThat(fr1.getAttribute("url")).endsWith("/demo/dies-reading-post.pl");
        assertThat(fr1.getAttribute("verb")).isEqualTo("POST");
        assertThat(fr1.getAttribute("statusCode")).isEqualTo("502.2");
        assertThat(fr1.getAttribute("failureReason")).isEqualTo("STATUS_CODE");
        assertThat(fr1.getAttribute("activityId")).isNotBlank();
        assertThat(fr2.getAttribute("statusCode")).isEqualTo("502.1");
        assertThat(Files.readString(w3svc.resolve("fr000002.xml"))).contains("CGI_TIMEOUT").contains("HEADER_TIMEOUT");
        assertThat(w3svc.resolve("fr000001.htm")).isRegularFile();

        // The analyzer explains both, from the session and from the fr file.
        StdioCli analyzed = StdioCli.cli("trace", "analyze", session.toString());
        assertThat(analyzed.code()).isZero();
        assertThat(analyzed.out()).contains("2 failed of 2 requests").contains("POST of 100,000,000 bytes to /demo/dies-reading-post.pl")
                .contains("ended (exit status 2) before sending any header").contains("502.2 was returned")
                .contains("out of memory while parsing upload").contains("Status 502.1");
        StdioCli fromFreb = StdioCli.cli("trace", "analyze", w3svc.resolve("fr000001.xml").toString(), "--json");
        assertThat(fromFreb.code()).isZero();
        assertThat(fromFreb.out()).contains("502.2").contains("dies-reading-post.pl");
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent();
    }

    private static Element root(Path xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile()).getDocumentElement();
    }

    /** Zeros without holding them in memory. */
    static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) { left = size; }

        @Override
        public int read() { return left-- > 0 ? 0 : -1; }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) return -1;
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
