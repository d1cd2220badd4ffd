package org.tracegate.failtrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.FailedRequestTracing;
import org.tracegate.config.StatusRange;
import org.tracegate.config.TraceRule;
import org.tracegate.config.TraceVerbosity;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class FailedRequestTracerTest {
    @TempDir Path dir;
    private final List<FailedRequestTracer> tracers = new ArrayList<>();

    @AfterEach
    void closeTracers() {
        tracers.forEach(FailedRequestTracer::close);
    }

    private FailedRequestTracer tracer(int maxFiles, int maxKB, TraceRule... rules) {
        FailedRequestTracer t = new FailedRequestTracer(Traces.tracing(maxFiles, maxKB, rules), dir,
                Duration.ofMillis(50), 1024, ErrorLog.standardError());
        tracers.add(t);
        return t;
    }

    private void end(FailedRequestTracer t, RequestTrace trace) throws InterruptedException {
        t.requestStarted(trace);
        t.requestEnded(trace);
        assertThat(t.awaitIdle(Duration.ofSeconds(20))).isTrue();
    }

    private Path site() { return dir.resolve("W3SVC1"); }

    private List<String> xmlFiles() throws IOException {
        try (Stream<Path> s = Files.list(site())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("fr\\d+\\.xml")).sorted().toList();
        }
    }

    static Document parse(Path xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(xml.toFile());
    }

    private static List<String> opcodes(Document doc) {
        NodeList events = doc.getElementsByTagNameNS(FrebXml.EVENT_NS, "Event");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < events.getLength(); i++) {
            Element rendering = (Element) ((Element) events.item(i)).getElementsByTagNameNS(FrebXml.EVENT_NS, "RenderingInfo").item(0);
            names.add(rendering.getElementsByTagNameNS(FrebXml.EVENT_NS, "Opcode").item(0).getTextContent());
        }
        return names;
    }

    /** The last Data element with this name. */
    private static String data(Document doc, String name) {
        NodeList data = doc.getElementsByTagNameNS(FrebXml.EVENT_NS, "Data");
        for (int i = data.getLength() - 1; i >= 0; i--) {
            Element d = (Element) data.item(i);
            if (d.getAttribute("Name").equals(name)) return d.getTextContent();
        }
        return null;
    }

    @Test
    void theSeedFailureIsWrittenAsAnIisFrebFile() throws Exception {
        FailedRequestTracer t = tracer(50, 1024, Traces.rule("*", "500-599"));
        RequestTrace seed = Traces.seed();
        end(t, seed);

        Path xml = site().resolve("fr000001.xml");
        Document doc = parse(xml);
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("failedRequest");
        assertThat(root.getAttribute("url")).isEqualTo(Traces.SEED_URL);
        assertThat(root.getAttribute("siteId")).isEqualTo("1");
        assertThat(root.getAttribute("appPoolId")).isEqualTo("Tracegate");
        assertThat(root.getAttribute("processId")).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(root.getAttribute("verb")).isEqualTo("POST");
        assertThat(root.getAttribute("authenticationType")).isEqualTo("NOT_AVAILABLE");
        assertThat(root.getAttribute("activityId")).isEqualTo(seed.context().contextId().toUpperCase());
        assertThat(root.getAttribute("failureReason")).isEqualTo("STATUS_CODE");
        assertThat(root.getAttribute("statusCode")).isEqualTo("502.2");
        assertThat(root.getAttribute("triggerStatusCode")).isEqualTo("502.2");
        assertThat(Long.parseLong(root.getAttribute("timeTaken"))).isNotNegative();

        // IIS's attribute order, as written.
        String text = Files.readString(xml);
        assertThat(text).containsSubsequence("url=", "siteId=", "appPoolId=", "processId=", "verb=",
                "authenticationType=", "activityId=", "failureReason=", "statusCode=", "triggerStatusCode=",
                "timeTaken=", "xmlns:freb=\"" + FrebXml.FREB_NS + "\"");

        assertThat(opcodes(doc)).containsExactly("GENERAL_REQUEST_START", "GENERAL_REQUEST_HEADERS", "HANDLER_CHANGED",
                "CGI_LAUNCH", "CGI_STDERR", "CGI_PREMATURE_TERMINATION", "MODULE_SET_RESPONSE_ERROR_STATUS",
                "GENERAL_RESPONSE_HEADERS", "GENERAL_RESPONSE_ENTITY_BUFFER", "CGI_EXIT", "GENERAL_REQUEST_END");
        assertThat(data(doc, "ProcessId")).isEqualTo("3136");
        assertThat(data(doc, "BytesReceived")).isEqualTo("105906875");
        // Bytes XML cannot hold are shown, not dropped; markup in program output stays text.
        assertThat(data(doc, "Text")).isEqualTo("htmlos: cannot allocate buffer \\x01\\x00 & <bye>");

        Element premature = (Element) doc.getElementsByTagNameNS(FrebXml.EVENT_NS, "Event").item(5);
        assertThat(child(premature, "Level")).isEqualTo("2");
        NodeList fields = premature.getElementsByTagNameNS(FrebXml.EVENT_NS, "Data");
        assertThat(((Element) fields.item(1)).getAttribute("Name")).isEqualTo("Headers");
        assertThat(fields.item(1).getTextContent()).isEmpty(); // the seed: no header bytes at all
        assertThat(((Element) fields.item(3)).getAttribute("Name")).isEqualTo("Signal");
        assertThat(child(premature, "Provider")).isEmpty();
        assertThat(((Element) premature.getElementsByTagNameNS(FrebXml.EVENT_NS, "Provider").item(0)).getAttribute("Name"))
                .isEqualTo("WWW Server");
        assertThat(child(premature, "Keyword")).isEqualTo("CGI");
        assertThat(((Element) premature.getElementsByTagNameNS(FrebXml.EVENT_NS, "Correlation").item(0))
                .getAttribute("ActivityID")).isEqualTo(root.getAttribute("activityId"));
        assertThat(premature.getElementsByTagNameNS(FrebXml.FREB_NS, "Description").item(0).getTextContent())
                .isEqualTo("Segmentation fault");
        assertThat(premature.getElementsByTagNameNS(FrebXml.TRACE_NS, "EventGuid").getLength()).isEqualTo(1);
        String time = ((Element) premature.getElementsByTagNameNS(FrebXml.EVENT_NS, "TimeCreated").item(0)).getAttribute("SystemTime");
        assertThat(time).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

        assertThat(site().resolve("fr000001.htm")).exists();
        String index = Files.readString(site().resolve("index.json"));
        assertThat(index).contains("\"number\": 1", "\"statusCode\": \"502.2\"", "\"failureReason\": \"STATUS_CODE\"",
                "\"verb\": \"POST\"", "\"file\": \"fr000001.xml\"", "htmlos.exe");
        assertThat(Files.readString(site().resolve("index.htm"))).contains("fr000001.htm", "502.2");
    }

    private static String child(Element e, String local) {
        return e.getElementsByTagNameNS(FrebXml.EVENT_NS, local).item(0).getTextContent();
    }

    @Test
    void requestsNoRuleMatchesLeaveNoFile() throws Exception {
        FailedRequestTracer t = tracer(50, 1024, Traces.rule("/cgi-bin/*", "500-599,404.2"));
        end(t, Traces.ok("http://h:1/cgi-bin/ok.sh"));
        end(t, Traces.ended("http://h:1/cgi-bin/x", 404, 0));
        end(t, Traces.ended("http://h:1/static/x", 500, 0));
        assertThat(site()).doesNotExist();
        end(t, Traces.ended("http://h:1/cgi-bin/x", 404, 2));
        assertThat(xmlFiles()).containsExactly("fr000001.xml");
    }

    @Test
    void theFirstMatchingRuleDecidesVerbosityAndAreas() throws Exception {
        TraceRule errorsOnly = new TraceRule("/cgi-bin/*", StatusRange.parseList("502"), null, TraceVerbosity.ERROR,
                Set.of("CGI", "General"));
        TraceRule everything = Traces.rule("*", "500-599");
        FailedRequestTracer t = tracer(50, 1024, errorsOnly, everything);
        end(t, Traces.seed());
        assertThat(opcodes(parse(site().resolve("fr000001.xml"))))
                .containsExactly("CGI_PREMATURE_TERMINATION", "MODULE_SET_RESPONSE_ERROR_STATUS");

        TraceRule generalOnly = new TraceRule("*", StatusRange.parseList("502"), null, TraceVerbosity.VERBOSE, Set.of("General"));
        FailedRequestTracer g = new FailedRequestTracer(Traces.tracing(50, 1024, generalOnly), dir.resolve("g"));
        tracers.add(g);
        g.requestEnded(Traces.seed());
        assertThat(g.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(opcodes(parse(dir.resolve("g/W3SVC1/fr000001.xml")))).noneMatch(n -> n.startsWith("CGI_"))
                .contains("GENERAL_REQUEST_START", "GENERAL_REQUEST_END");
    }

    @Test
    void twoHundredConcurrentFailuresFromEightThreadsGiveTwoHundredFiles() throws Exception {
        FailedRequestTracer t = tracer(1000, 1024, Traces.rule("*", "500-599"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                go.await();
                RequestTrace trace = Traces.ended("http://h:1/cgi-bin/f" + n, 502, 2);
                t.requestStarted(trace);
                t.requestEnded(trace);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) f.get();
        pool.shutdown();
        assertThat(t.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(t.dropped()).isZero();
        assertThat(t.failed()).isZero();
        assertThat(xmlFiles()).hasSize(200).doesNotHaveDuplicates();
        assertThat(xmlFiles().getLast()).isEqualTo("fr000200.xml");
        List<String> urls = new ArrayList<>();
        for (String f : xmlFiles()) urls.add(parse(site().resolve(f)).getDocumentElement().getAttribute("url"));
        assertThat(urls).doesNotHaveDuplicates().hasSize(200);
    }

    @Test
    void eightWritersOnOneDirectoryNeverShareANumber() throws Exception {
        // The writer thread is single, but numbering must also hold for several writers (e.g. two servers).
        TraceDirectory a = new TraceDirectory(site(), 1000);
        TraceDirectory b = new TraceDirectory(site(), 1000); // a second "process" on the same directory
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            TraceDirectory d = i % 2 == 0 ? a : b;
            int n = i;
            done.add(pool.submit(() -> d.write(request("http://h:1/x" + n), "host", 1 << 20)));
        }
        for (Future<?> f : done) f.get();
        pool.shutdown();
        assertThat(xmlFiles()).hasSize(200);
    }

    private static FailedRequest request(String url) {
        return new FailedRequest(url, 1, "Tracegate", 1, "GET", "{X}", FailedRequest.FailureReason.STATUS_CODE,
                500, 0, 500, 0, 1, 0, List.of(), 0);
    }

    @Test
    void numberingContinuesAfterTheHighestExistingFile() throws Exception {
        Files.createDirectories(site());
        Files.writeString(site().resolve("fr000041.xml"), "<failedRequest url=\"/old\" statusCode=\"500\"/>");
        Files.writeString(site().resolve("fr000007.xml"), "<failedRequest url=\"/older\"/>");
        FailedRequestTracer t = tracer(50, 1024, Traces.rule("*", "500-599"));
        end(t, Traces.seed());
        assertThat(xmlFiles()).containsExactly("fr000007.xml", "fr000041.xml", "fr000042.xml");
        assertThat(Files.readString(site().resolve("index.json"))).contains("\"/old\"", "\"/older\"");
    }

    @Test
    void retentionKeepsTheNewestPairs() throws Exception {
        FailedRequestTracer t = tracer(5, 1024, Traces.rule("*", "500-599"));
        for (int i = 1; i <= 12; i++) end(t, Traces.ended("http://h:1/f" + i, 500, 0));
        assertThat(xmlFiles()).containsExactly("fr000008.xml", "fr000009.xml", "fr000010.xml", "fr000011.xml", "fr000012.xml");
        try (Stream<Path> s = Files.list(site())) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".htm") && n.startsWith("fr")))
                    .containsExactlyInAnyOrder("fr000008.htm", "fr000009.htm", "fr000010.htm", "fr000011.htm", "fr000012.htm");
        }
        String index = Files.readString(site().resolve("index.json"));
        assertThat(index).contains("fr000012.xml", "fr000008.xml").doesNotContain("fr000007.xml");
        assertThat(index.indexOf("fr000012")).isLessThan(index.indexOf("fr000008")); // newest first
    }

    @Test
    void aFileOverTheSizeLimitIsTruncatedAndStillWellFormed() throws Exception {
        FailedRequestTracer t = tracer(50, 4, Traces.rule("*", "500-599"));
        RequestTrace big = Traces.started("http://h:1/cgi-bin/chatty", "GET");
        for (int i = 0; i < 200; i++) big.emit(new TraceEvent.CgiStderr("line " + i + " " + "x".repeat(100)));
        big.emit(new TraceEvent.GeneralRequestEnd(0, 0, 500, 0));
        end(t, big);

        Path xml = site().resolve("fr000001.xml");
        Document doc = parse(xml);
        List<String> names = opcodes(doc);
        assertThat(names.getLast()).isEqualTo("LOG_FILE_MAX_SIZE_TRUNCATE");
        assertThat(names).hasSizeLessThan(203).contains("GENERAL_REQUEST_START");
        assertThat(Files.size(xml)).isLessThanOrEqualTo(4 * 1024);
        assertThat(Integer.parseInt(data(doc, "EventsLeftOut"))).isEqualTo(203 - (names.size() - 1));
        assertThat(Files.readString(site().resolve("fr000001.htm"))).contains("LOG_FILE_MAX_SIZE_TRUNCATE");
    }

    @Test
    void aRequestStillRunningPastTimeTakenIsWrittenBeforeItEnds() throws Exception {
        FailedRequestTracer t = tracer(50, 1024, Traces.timeRule("/cgi-bin/*", Duration.ofMillis(150)),
                Traces.rule("*", "500-599"));
        RequestTrace slow = Traces.started("http://h:1/cgi-bin/hang.sh", "GET");
        slow.emit(new TraceEvent.CgiLaunch("/srv/hang.sh", "0", 99));
        t.requestStarted(slow);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(site().resolve("fr000001.xml")) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(t.awaitIdle(Duration.ofSeconds(5))).isTrue();

        Document running = parse(site().resolve("fr000001.xml"));
        assertThat(running.getDocumentElement().getAttribute("failureReason")).isEqualTo("TIME_TAKEN");
        assertThat(Long.parseLong(running.getDocumentElement().getAttribute("timeTaken"))).isGreaterThan(150);
        assertThat(opcodes(running)).containsExactly("GENERAL_REQUEST_START", "GENERAL_REQUEST_HEADERS", "CGI_LAUNCH");

        Thread.sleep(300); // more checks: no second TIME_TAKEN file while it runs
        assertThat(xmlFiles()).containsExactly("fr000001.xml");

        // It then times out with 502.1: a status rule fires too, and gets the complete trace.
        slow.emit(new TraceEvent.CgiTimeout(""));
        slow.emit(new TraceEvent.GeneralRequestEnd(0, 0, 502, 1));
        t.requestEnded(slow);
        assertThat(t.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(xmlFiles()).containsExactly("fr000001.xml", "fr000002.xml");
        Document complete = parse(site().resolve("fr000002.xml"));
        assertThat(complete.getDocumentElement().getAttribute("failureReason")).isEqualTo("STATUS_CODE");
        assertThat(complete.getDocumentElement().getAttribute("statusCode")).isEqualTo("502.1");
        assertThat(opcodes(complete)).contains("CGI_TIMEOUT", "GENERAL_REQUEST_END");
    }

    @Test
    void aSlowRequestThatEndsWellBetweenChecksIsWrittenOnceAtTheEnd() throws Exception {
        FailedRequestTracer t = new FailedRequestTracer(
                Traces.tracing(50, 1024, Traces.timeRule("*", Duration.ofMillis(50))), dir, Duration.ofHours(1), 16,
                ErrorLog.standardError());
        tracers.add(t);
        RequestTrace slow = Traces.started("http://h:1/cgi-bin/slow", "GET");
        t.requestStarted(slow);
        Thread.sleep(120);
        slow.emit(new TraceEvent.GeneralRequestEnd(5, 0, 200, 0));
        t.requestEnded(slow);
        assertThat(t.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(xmlFiles()).containsExactly("fr000001.xml");
        Element root = parse(site().resolve("fr000001.xml")).getDocumentElement();
        assertThat(root.getAttribute("failureReason")).isEqualTo("TIME_TAKEN");
        assertThat(root.getAttribute("statusCode")).isEqualTo("200");
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        FailedRequestTracer t = new FailedRequestTracer(Traces.tracing(1000, 1024, Traces.rule("*", "500")), dir,
                Duration.ofMillis(250), 1, ErrorLog.standardError());
        tracers.add(t);
        for (int i = 0; i < 500; i++) t.requestEnded(Traces.ended("http://h:1/x", 500, 0));
        assertThat(t.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(t.dropped()).isPositive();
        assertThat(xmlFiles().size() + t.dropped()).isEqualTo(500);
    }

    @Test
    void illegalCharactersAreShownVisiblyAndTheFileStaysWellFormed() throws Exception {
        FailedRequestTracer t = tracer(50, 1024, Traces.rule("*", "500"));
        RequestTrace weird = Traces.started("http://h:1/x?\u0007=\"'<>&", "GET");
        weird.emit(new TraceEvent.CgiInvalidHeaders("X-A: a\u0001b\r\n\u001b[31m\uD800\uFFFE\u0085 \u00e9\uD83D\uDE00", 1,
                "control character in value"));
        weird.emit(new TraceEvent.GeneralRequestEnd(0, 0, 500, 0));
        end(t, weird);
        Document doc = parse(site().resolve("fr000001.xml"));
        assertThat(doc.getDocumentElement().getAttribute("url")).isEqualTo("http://h:1/x?\\x07=\"'<>&");
        assertThat(data(doc, "Headers")).isEqualTo("X-A: a\\x01b\r\n\\x1B[31m\\uD800\\uFFFE\\x85 \u00e9\uD83D\uDE00");
        String html = Files.readString(site().resolve("fr000001.htm"), StandardCharsets.UTF_8);
        assertThat(html).doesNotContain("<>&").contains("&lt;&gt;&amp;");
    }

    @Test
    void aFileThatCannotBeWrittenIsReportedToTheErrorLogWithItsRequestId() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "x");
        Path logs = dir.resolve("logs");
        RequestTrace seed = Traces.seed();
        try (ErrorLog errors = ErrorLog.toDirectory(logs)) {
            FailedRequestTracer t = new FailedRequestTracer(Traces.tracing(50, 1024, Traces.rule("*", "500-599")),
                    notADirectory, errors);
            tracers.add(t);
            end(t, seed);
            assertThat(t.failed()).isEqualTo(1);
        }
        assertThat(Files.readString(logs.resolve("error.log")))
                .contains("[" + seed.context().requestId() + "] failed-request trace not written: ");
    }

    @Test
    void disabledOrRulelessWritesNothing() throws Exception {
        try (FailedRequestTracer t = new FailedRequestTracer(FailedRequestTracing.disabled(), dir.resolve("off"))) {
            assertThat(t.rules()).isEmpty();
            RequestTrace r = Traces.ended(Traces.SEED_URL, 502, 2);
            t.requestEnded(r);
            assertThat(t.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(dir.resolve("off")).doesNotExist();
        }
    }
    @Test
    void theSummaryShowsEmptyFieldsAsNoneAndQuotesHeaderBytesAsTheErrorPage() throws Exception {
        FailedRequestTracer t = tracer(50, 1024, Traces.rule("*", "500-599"));
        RequestTrace r = Traces.started(Traces.SEED_URL, "GET");
        r.emit(new TraceEvent.CgiPrematureTermination("Status: 200\r\nX-Bad\u0001: caf\u00e9", "3", ""));
        r.emit(new TraceEvent.GeneralRequestEnd(10, 0, 502, 2));
        end(t, r);
        String htm = Files.readString(site().resolve("fr000001.htm"));
        assertThat(htm).contains("Headers=&quot;Status: 200\\r\\nX-Bad\\x01: caf\\xe9&quot;, ExitCode=3, Signal=(none)")
                .doesNotContain("Signal=,").doesNotContain("Signal=<");
    }

    @Test
    void aRecordedBodyIsCutToFitTheFileSoTheEventsAfterItAreKept() throws Exception {
        FailedRequestTracer t = tracer(50, 16, Traces.rule("*", "500-599"));
        RequestTrace r = Traces.started(Traces.SEED_URL, "POST");
        byte[] body = new byte[40_000];
        new java.util.Random(1).nextBytes(body);
        r.emit(new TraceEvent.CgiRequestBody(body, body.length, "ab"));
        r.emit(new TraceEvent.CgiExit("3", "", false, "SELF", 1, 1024));
        r.emit(new TraceEvent.GeneralRequestEnd(10, body.length, 502, 2));
        end(t, r);
        Path xml = site().resolve("fr000001.xml");
        assertThat(Files.size(xml)).isLessThanOrEqualTo(16 * 1024);
        Document doc = parse(xml);
        assertThat(opcodes(doc)).contains("CGI_REQUEST_BODY", "CGI_EXIT", "GENERAL_REQUEST_END")
                .doesNotContain("LOG_FILE_MAX_SIZE_TRUNCATE");
        long kept = Long.parseLong(data(doc, "RecordedBytes"));
        assertThat(kept).isPositive().isLessThan(body.length);
        assertThat(data(doc, "TotalBytes")).isEqualTo("40000");
        byte[] decoded = java.util.Base64.getDecoder().decode(data(doc, "Base64"));
        assertThat(decoded).hasSize((int) kept).isEqualTo(java.util.Arrays.copyOf(body, (int) kept));
    }
}
