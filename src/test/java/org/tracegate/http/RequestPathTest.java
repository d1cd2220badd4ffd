package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceRecord;

/**
 * One request path for every request: a static file, a refusal, an unmapped path and a program all get a
 * request id, the start and end events and an access-log line carrying the same activity id.
 */
class RequestPathTest {
    static final Path ROOT = Path.of("demo/public").toAbsolutePath();
    static final BlockingQueue<RequestTrace> traces = new LinkedBlockingQueue<>();

    @RegisterExtension
    static final TestServer ts = TestServer.fixture(c -> c.withDocumentRoot(ROOT), traces::add);

    /** The trace of the request with this id (traces of other tests' requests are skipped). */
    static RequestTrace traceOf(String requestId) throws InterruptedException {
        while (true) {
            RequestTrace t = traces.poll(10, TimeUnit.SECONDS);
            assertThat(t).as("the trace of %s arrived", requestId).isNotNull();
            if (t.context().requestId().equals(requestId)) return t;
        }
    }

    static List<String> names(RequestTrace t) { return t.records().stream().map(r -> r.event().name()).toList(); }

    static Map<String, Object> fields(RequestTrace t, String name) {
        return t.records().stream().map(TraceRecord::event).filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing in " + names(t))).fields();
    }

    /** Asserts the common record of every request and returns its trace. */
    static RequestTrace recorded(HttpResponse<String> r, int status, String subStatus) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        String id = r.headers().firstValue("X-Request-Id").orElseThrow(() -> new AssertionError("no X-Request-Id"));
        RequestTrace t = traceOf(id);
        List<String> names = names(t);
        assertThat(names.getFirst()).isEqualTo("GENERAL_REQUEST_START");
        assertThat(names.getLast()).isEqualTo("GENERAL_REQUEST_END");
        assertThat(names).contains("GENERAL_ENDPOINT_INFORMATION", "GENERAL_REQUEST_HEADERS");
        assertThat(fields(t, "GENERAL_REQUEST_END")).containsEntry("HttpStatus", status)
                .containsEntry("HttpSubStatus", Integer.parseInt(subStatus));
        Map<String, String> row = ts.accessLogRow(id);
        assertThat(row).containsEntry("sc-status", Integer.toString(status)).containsEntry("sc-substatus", subStatus)
                .containsEntry("c-ip", "127.0.0.1");
        return t;
    }

    @Test
    void aStaticFileHasARequestIdEventsAndAnAccessLogLine() throws Exception {
        HttpResponse<String> r = ts.get("/style.css");
        RequestTrace t = recorded(r, 200, "0");
        assertThat(r.body()).isEqualTo(Files.readString(ROOT.resolve("style.css")));
        assertThat(fields(t, "HANDLER_CHANGED")).containsEntry("NewHandlerName", "StaticFile")
                .containsEntry("PhysicalPath", ROOT.resolve("style.css").toString());
    }

    @Test
    void theIndexFileServesTheRoot() throws Exception {
        HttpResponse<String> r = ts.get("/");
        recorded(r, 200, "0");
        assertThat(r.body()).isEqualTo(Files.readString(ROOT.resolve("index.html")));
    }

    @Test
    void anUnmappedPathIsOur404PageWithARequestId() throws Exception {
        HttpResponse<String> r = ts.get("/no/such/thing.txt");
        RequestTrace t = recorded(r, 404, "0");
        assertThat(r.body()).contains("HTTP Error 404.0 - Not Found", r.headers().firstValue("X-Request-Id").get());
        assertThat(fields(t, "MODULE_SET_RESPONSE_ERROR_STATUS")).containsEntry("HttpSubStatus", 0);
    }

    @Test
    void aDirectoryWithoutAnIndexIs403_14AndNeverAListing() throws Exception {
        HttpResponse<String> r = ts.get("/t/");
        // /t/ is the CGI mapping: naming no program there is a 404.0 of the CGI module.
        recorded(r, 404, "0");
        Path dir = Files.createTempDirectory(ROOT, "noindex-");
        try {
            Files.writeString(dir.resolve("secret.txt"), "listing must not show this name");
            HttpResponse<String> d = ts.get("/" + dir.getFileName() + "/");
            recorded(d, 403, "14");
            assertThat(d.body()).contains("HTTP Error 403.14").doesNotContain("secret.txt");
        } finally {
            Files.deleteIfExists(dir.resolve("secret.txt"));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aRefusalAndAProgramAreRecordedTheSameWay() throws Exception {
        recorded(ts.get("/demo/not-executable.sh"), 403, "1");
        RequestTrace t = recorded(ts.get("/demo/hello.sh"), 200, "0");
        assertThat(names(t)).contains("HANDLER_CHANGED", "CGI_LAUNCH", "CGI_EXIT");
        recorded(ts.get("/demo/dies-before-headers.sh"), 502, "2");
    }

    @Test
    void aTransferCodingOtherThanChunkedIs501AndNeverReachesTheProgram() throws Exception {
        String body = "5\r\nhello\r\n0\r\n\r\n";
        String raw = ts.raw("POST /t/echo-body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
                + "Connection: close\r\n\r\n" + body);
        assertThat(raw).startsWith("HTTP/1.1 501 ").contains("HTTP Error 501.0", "transfer coding &#39;gzip&#39;")
                .doesNotContain("hello");
        String id = raw.replaceAll("(?s).*X-Request-Id: ([0-9a-f-]+).*", "$1");
        List<String> lines = ts.errorLog().lines().filter(l -> l.contains("[" + id + "]")).toList();
        assertThat(lines).singleElement().asString().contains("refused 501.0");
    }

    @Test
    void whatJettyCannotParseIsOur400WithARequestIdAndAnAccessLogLine() throws Exception {
        for (String head : List.of("GET /t/env.sh HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n",
                "GET /t/env.sh HTTP/1.1\r\n" /* no Host */, "GARBAGE\r\n")) {
            String raw = ts.raw(head + "Connection: close\r\n\r\n");
            assertThat(raw).as(head).startsWith("HTTP/1.1 400 ").contains("HTTP Error 400.0", "could not parse it");
            String id = raw.replaceAll("(?s).*X-Request-Id: ([0-9a-f-]+).*", "$1");
            assertThat(ts.accessLogRow(id)).containsEntry("sc-status", "400");
        }
        assertThat(ts.errorLog()).doesNotContain("internal error");
    }
}
