package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.session.SeedRecords;
import org.tracegate.traceformats.SessionFilter;
import org.tracegate.session.SessionWriter;
import org.tracegate.analysis.HexDump;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.TraceEvent;

class TraceAnalyzeCommandTest {
    private static final String SEED = "src/test/resources/seed-rows.xml";
    private static final String FREB = "src/test/resources/fr000001.xml";
    private static final String W3C = "src/test/resources/u_ex121009.log";

    @TempDir
    Path dir;

    @Test
    void explainsTheSeedsRowsOnOneScreen() {
        TraceCli r = TraceCli.run("analyze", SEED);
        assertThat(r.exit()).isZero();
        List<String> lines = r.lines();
        assertThat(lines.size()).isLessThanOrEqualTo(40);
        assertThat(lines.get(0)).startsWith("Failed request {00000000-0000-0000-4c06-0060000000ef} in ").endsWith("(IIS ETW rows)");
        assertThat(lines.get(1)).isEqualTo("POST of 105,906,875 bytes to /cgi-bin/htmlos.exe/00182.3.055317239900014075; "
                + "the program htmlos.exe (pid 3136) ran 6 min 40 s and ended before sending any header (Headers= empty); "
                + "502.2 was returned.");
        assertThat(lines).contains("  POST http://siteaddress:80/cgi-bin/htmlos.exe/00182.3.055317239900014075",
                "  received 105,906,875 bytes, sent 370 bytes",
                "  headers sent: none (Headers= empty)",
                "Status 502.2");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("  20:19:06 +GENERAL_REQUEST_START +POST"))
                .anySatisfy(l -> assertThat(l).matches("  20:19:07  \\+1 s +CGI_LAUNCH +pid 3136"))
                .anySatisfy(l -> assertThat(l).matches("  20:25:47  \\+6 min 40 s +CGI_PREMATURE_TERMINATION +Headers= \\(empty\\)"))
                .anySatisfy(l -> assertThat(l).matches("  20:25:47  \\+0 s +GENERAL_REQUEST_END +502\\.2, sent 370 bytes"))
                .anySatisfy(l -> assertThat(l).startsWith("  htmlos.exe, pid 3136: \"D:\\Inetpub\\cgi-bin\\htmlos.exe\""))
                .anySatisfy(l -> assertThat(l).startsWith("  ran 6 min 40 s;"));
        int cause = lines.indexOf("Most likely cause");
        assertThat(lines.get(cause + 1)).contains("htmlos.exe").contains("before sending any HTTP header")
                .contains("105,906,875-byte POST");
        int next = lines.indexOf("What to try next");
        long bullets = lines.subList(next + 1, lines.size()).stream().takeWhile(l -> l.startsWith("  - ")).count();
        assertThat(bullets).isBetween(2L, 4L);
    }

    @Test
    void jsonCarriesTheSameFacts() throws Exception {
        TraceCli r = TraceCli.run("analyze", "--json", SEED);
        assertThat(r.exit()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("requests").asInt()).isEqualTo(1);
        JsonNode f = root.get("failures").get(0);
        assertThat(f.get("status").asText()).isEqualTo("502.2");
        assertThat(f.get("bytesReceived").asLong()).isEqualTo(105906875L);
        assertThat(f.get("program").get("pid").asLong()).isEqualTo(3136);
        assertThat(f.get("program").get("script").asText()).isEqualTo("htmlos.exe");
        assertThat(f.get("program").get("ran").asText()).isEqualTo("6 min 40 s");
        assertThat(f.get("program").get("headers").asText()).isEmpty();
        assertThat(f.get("timeline").get(2).get("gap").asText()).isEqualTo("6 min 40 s");
        assertThat(root.get("summary").get("byCause").get("ended before any header").asInt()).isEqualTo(1);
    }

    @Test
    void readsIisFailedRequestTraceFiles() {
        TraceCli r = TraceCli.run("analyze", FREB);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("(FREB failed-request trace)")
                .contains("GET /cgi-bin/crash.exe; the program crash.exe (pid 5012) ran 1.2 s and ended before sending "
                        + "any header (Headers= empty); 502.2 was returned.")
                .contains("MODULE_SET_RESPONSE_ERROR_STATUS")
                .containsPattern("\n  10:15:30\\.200  \\+100 ms +CGI_LAUNCH +pid 5012\n");
    }

    @Test
    void readsW3cLogsAndSummarizesSeveralFailures() {
        TraceCli r = TraceCli.run("analyze", W3C);
        assertThat(r.exit()).isZero();
        List<String> lines = r.lines();
        assertThat(lines.get(0)).isEqualTo("2 failed of 3 requests in 1 file");
        assertThat(r.out()).contains("  by status.substatus\n        1  502.2\n        1  404.0\n")
                .contains("POST of 105,906,875 bytes to /cgi-bin/htmlos.exe/00182.3.055317239900014075; 502.2 was returned.")
                .contains("The CGI program returned an incomplete or invalid set of HTTP headers")
                .contains("The requested program or file does not exist (win32 status 2: file not found).")
                .contains("time taken 6 min 40 s");
    }

    @Test
    void severalFilesGetASummaryTableFirst() {
        TraceCli r = TraceCli.run("analyze", SEED, FREB, W3C);
        assertThat(r.exit()).isZero();
        assertThat(r.lines().get(0)).isEqualTo("4 failed of 5 requests in 3 files");
        assertThat(r.out()).contains("        3  502.2\n").contains("        2  htmlos.exe\n").contains("        1  missing.exe\n")
                .contains("        2  ended before any header\n");
    }

    @Test
    void unreadableFileIsNamedAndTheRestStillAnalyzed() {
        TraceCli r = TraceCli.run("analyze", SEED, dir.resolve("gone.xml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("gone.xml: no such file");
        assertThat(r.out()).contains("htmlos.exe (pid 3136)");
    }

    @Test
    void hexDumpsTheResponseLikeNetmon() throws Exception {
        Path file = dir.resolve("hex.jsonl");
        SessionWriter w = SessionWriter.open(file, SessionFilter.all(), 1 << 20);
        RequestContext ctx = SeedRecords.CONTEXT;
        String body = "<html><head><title>Error</title></head><body><head><title>Error in CGI Application</title></head>\n"
                + "<body><h1>CGI Error</h1>The specified CGI application misbehaved by not returning a complete set of "
                + "HTTP headers.</body></body></html>";
        w.writeRequest(List.of(
                SeedRecords.request().get(0), SeedRecords.request().get(1), SeedRecords.request().get(2),
                SeedRecords.at("2005-08-23T20:25:47Z", ctx, new TraceEvent.GeneralResponseHeaders(
                        "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 232\r\nContent-Type: text/html\r\n"
                                + "Server: Microsoft-IIS/6.0\r\nDate: Tue, 23 Aug 2005 20:25:47 GMT\r\n")),
                SeedRecords.at("2005-08-23T20:25:47Z", ctx, new TraceEvent.GeneralResponseEntityBuffer(body, body.length())),
                SeedRecords.request().get(3)));
        w.close();

        TraceCli r = TraceCli.run("analyze", "--hex", file.toString());
        assertThat(r.exit()).isZero();
        // The seed's dump from its HTTP payload on, re-based to offset 0: same 16-byte rows, same text column.
        assertThat(r.lines()).containsSubsequence(
                "00000: 48 54 54 50 2F 31 2E 31 20 35 30 32 20 42 61 64 HTTP/1.1 502 Bad",
                "00010: 20 47 61 74 65 77 61 79 0D 0A 43 6F 6E 74 65 6E  Gateway..Conten");
        assertThat(r.out()).contains("\n00170: 6C 3E l>\n"); // the last, short row is not padded

        TraceCli plain = TraceCli.run("analyze", file.toString());
        assertThat(plain.out()).doesNotContain("00000: ");
    }

    @Test
    void hexDumpMatchesTheSeedsRowsExactly() {
        String payload = "00 11 BC 3E 62 3C 00 0F 1F 6C 1F E1 08 00 45 00";
        byte[] b = new byte[16];
        String[] hex = payload.split(" ");
        for (int i = 0; i < 16; i++) b[i] = (byte) Integer.parseInt(hex[i], 16);
        assertThat(HexDump.lines(b)).containsExactly("00000: " + payload + " ...>b<...l....E.");
        assertThat(HexDump.lines("></html>".getBytes(StandardCharsets.US_ASCII)))
                .containsExactly("00000: 3E 3C 2F 68 74 6D 6C 3E ></html>");
    }

    @Test
    void noFailuresIsStillExitZero() throws Exception {
        Path file = dir.resolve("ok.jsonl");
        SessionWriter w = SessionWriter.open(file, SessionFilter.all(), 1 << 20);
        RequestContext ctx = SeedRecords.newContext();
        w.writeRequest(List.of(
                SeedRecords.at("2026-11-23T21:00:00.000100Z", ctx, new TraceEvent.GeneralRequestStart(1, "p", 1, 0, "http://h/cgi-bin/ok", "GET")),
                SeedRecords.at("2026-11-23T21:00:00.020100Z", ctx, new TraceEvent.GeneralRequestEnd(10, 0, 200, 0))));
        w.close();
        TraceCli r = TraceCli.run("analyze", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("No failed requests among 1 request in 1 file.\n");
    }

    @Test
    void ourOwnSessionNamesTheSignalAndTheStderrTail() throws Exception {
        Path file = dir.resolve("crash.jsonl");
        SessionWriter w = SessionWriter.open(file, SessionFilter.all(), 1 << 20);
        RequestContext ctx = SeedRecords.newContext();
        w.writeRequest(List.of(
                SeedRecords.at("2026-11-23T21:00:00.000100Z", ctx, new TraceEvent.GeneralRequestStart(1, "p", 1, 0, "http://h/cgi-bin/crash-c", "GET")),
                SeedRecords.at("2026-11-23T21:00:00.002100Z", ctx, new TraceEvent.CgiLaunch("\"/srv/cgi-bin/crash-c\"", "0", 4242)),
                SeedRecords.at("2026-11-23T21:00:00.003000Z", ctx, new TraceEvent.CgiStderr("about to dereference NULL")),
                SeedRecords.at("2026-11-23T21:00:00.004100Z", ctx, new TraceEvent.CgiPrematureTermination("Content-Type: te", "", "SIGSEGV")),
                SeedRecords.at("2026-11-23T21:00:00.004300Z", ctx, new TraceEvent.CgiExit("", "SIGSEGV", true, "SELF", 1, 900)),
                SeedRecords.at("2026-11-23T21:00:00.006100Z", ctx, new TraceEvent.GeneralRequestEnd(1200, 80, 502, 2))));
        w.close();
        TraceCli r = TraceCli.run("analyze", file.toString());
        assertThat(r.out()).contains("GET /cgi-bin/crash-c; the program crash-c (pid 4242) ran 2 ms and ended "
                        + "(signal SIGSEGV (core dumped)) after sending only part of its headers (16 bytes); 502.2 was returned.")
                .contains("  headers sent: 16 bytes: \"Content-Type: te\"")
                .contains("    \"about to dereference NULL\"")
                .contains("was killed by signal SIGSEGV (core dumped)");
    }
}
