package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceRecord;

/** Every request's events, success included: exit status, signal and who ended the program. */
class RequestTraceTest {
    static final BlockingQueue<RequestTrace> traces = new LinkedBlockingQueue<>();
    @RegisterExtension
    static final TestServer ts = TestServer.fixture(c -> c, traces::add);

    static RequestTrace next() throws InterruptedException {
        RequestTrace t = traces.poll(10, TimeUnit.SECONDS);
        assertThat(t).as("a trace arrived").isNotNull();
        return t;
    }

    static List<String> names(RequestTrace t) {
        return t.records().stream().map(r -> r.event().name()).toList();
    }

    static Map<String, Object> fields(RequestTrace t, String name) {
        return t.records().stream().map(TraceRecord::event).filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing in " + names(t))).fields();
    }

    @Test
    void successRecordsExitStatusAndWhoEndedIt() throws Exception {
        traces.clear();
        assertThat(ts.get("/demo/hello.sh").statusCode()).isEqualTo(200);
        RequestTrace t = next();
        assertThat(names(t)).containsSubsequence("GENERAL_REQUEST_START", "GENERAL_REQUEST_HEADERS", "HANDLER_CHANGED",
                "CGI_LAUNCH", "CGI_HEADERS_RECEIVED", "CGI_EXIT", "GENERAL_REQUEST_END");
        assertThat(fields(t, "CGI_EXIT")).containsEntry("ExitCode", "0").containsEntry("Signal", "")
                .containsEntry("EndedBy", "SELF");
        assertThat((Long) fields(t, "CGI_EXIT").get("CpuMillis")).isGreaterThanOrEqualTo(0);
        assertThat(fields(t, "GENERAL_REQUEST_END")).containsEntry("HttpStatus", 200).containsEntry("HttpSubStatus", 0);
        assertThat((Long) fields(t, "CGI_LAUNCH").get("ProcessId")).isPositive();
    }

    /** NPH bytes go to the connection, past Jetty's response: they are still counted as sent. */
    @Test
    void nphBytesAreCountedAsSent() throws Exception {
        traces.clear();
        String raw = ts.raw("GET /t/nph-ok.sh HTTP/1.1\r\nHost: x\r\n\r\n");
        RequestTrace t = next();
        assertThat(fields(t, "GENERAL_REQUEST_END")).containsEntry("HttpStatus", 200)
                .containsEntry("BytesSent", (long) raw.length());
    }

    @Test
    void theSeedsSequenceForAProgramThatDiesBeforeHeaders() throws Exception {
        traces.clear();
        byte[] body = new byte[3 * 1024 * 1024];
        var r = ts.send(ts.request("/demo/dies-reading-post.pl").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.statusCode()).isEqualTo(502);
        RequestTrace t = next();
        assertThat(names(t)).containsSubsequence("GENERAL_REQUEST_START", "CGI_LAUNCH", "CGI_PREMATURE_TERMINATION",
                "MODULE_SET_RESPONSE_ERROR_STATUS", "GENERAL_REQUEST_END");
        assertThat(fields(t, "CGI_PREMATURE_TERMINATION")).containsEntry("Headers", "").containsEntry("ExitCode", "2");
        assertThat(fields(t, "GENERAL_REQUEST_END")).containsEntry("HttpStatus", 502).containsEntry("HttpSubStatus", 2)
                .containsEntry("BytesReceived", (long) body.length);
        assertThat(fields(t, "CGI_EXIT")).containsEntry("EndedBy", "SELF");
    }

    @Test
    void headerTimeoutIsEndedByTheGateway() throws Exception {
        traces.clear();
        assertThat(ts.get("/demo/hang.sh").statusCode()).isEqualTo(502);
        RequestTrace t = next();
        assertThat(names(t)).contains("CGI_TIMEOUT");
        assertThat(fields(t, "CGI_EXIT")).containsEntry("Signal", "SIGTERM").containsEntry("EndedBy", "HEADER_TIMEOUT");
        assertThat(fields(t, "GENERAL_REQUEST_END")).containsEntry("HttpStatus", 502).containsEntry("HttpSubStatus", 1);
    }

    @Test
    void timestampsHaveMicrosecondsAndIncrease() throws Exception {
        traces.clear();
        ts.get("/demo/hello.sh");
        List<TraceRecord> rs = next().records();
        for (int i = 1; i < rs.size(); i++) assertThat(rs.get(i).epochMicros()).isGreaterThanOrEqualTo(rs.get(i - 1).epochMicros());
        assertThat(Duration.ofNanos((rs.getLast().epochMicros() - rs.getFirst().epochMicros()) * 1000)).isLessThan(Duration.ofSeconds(10));
    }
}
