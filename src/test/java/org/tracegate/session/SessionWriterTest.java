package org.tracegate.session;

import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.SessionContents;
import org.tracegate.traceformats.SessionFilter;
import org.tracegate.traceformats.SessionReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.trace.Area;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.TraceEvent;

class SessionWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void writerThenReaderRoundTrip() throws IOException {
        Path file = dir.resolve("s.jsonl");
        SessionWriter w = SessionWriter.open(file, new SessionFilter("/cgi-bin/**", EnumSet.of(Area.GENERAL, Area.CGI)), 1 << 20);
        w.writeRequest(SeedRecords.request());
        SessionSummary summary = w.close();

        assertThat(summary.events()).isEqualTo(4);
        assertThat(summary.dropped()).isZero();
        assertThat(summary.truncated()).isFalse();
        assertThat(summary.bytes()).isEqualTo(Files.size(file));

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).startsWith("{\"format\":\"tracegate-session\",\"version\":1,\"started\":\"")
                .endsWith("\"filter\":{\"url\":\"/cgi-bin/**\",\"areas\":[\"General\",\"CGI\"]},\"maxBytes\":1048576}");
        assertThat(lines.get(2)).isEqualTo("{\"seq\":2,\"time\":\"2005-08-23T20:19:07.000000Z\","
                + "\"contextId\":\"{00000000-0000-0000-4c06-0060000000ef}\",\"provider\":\"IISCGI\",\"event\":\"CGI_LAUNCH\","
                + "\"level\":\"Information\",\"area\":\"CGI\",\"data\":{\"CommandLine\":\"\\\"D:\\\\Inetpub\\\\cgi-bin\\\\htmlos.exe\\\" \","
                + "\"ErrorCode\":\"0\",\"ProcessId\":3136}}");
        assertThat(lines.get(5)).matches("\\{\"end\":\"[^\"]+\",\"events\":4,\"dropped\":0,\"truncated\":false}");

        SessionContents read = SessionReader.read(file);
        assertThat(read.complete()).isTrue();
        assertThat(read.urlGlob()).isEqualTo("/cgi-bin/**");
        assertThat(read.areas()).containsExactly("General", "CGI");
        assertThat(read.events()).extracting(RecordedEvent::name).containsExactly("GENERAL_REQUEST_START",
                "CGI_LAUNCH", "CGI_PREMATURE_TERMINATION", "GENERAL_REQUEST_END");
        RecordedEvent end = read.events().get(3);
        assertThat(end.data()).containsEntry("BytesReceived", 105906875L).containsEntry("HttpStatus", 502L);
        assertThat(end.data().keySet()).containsExactly("BytesSent", "BytesReceived", "HttpStatus", "HttpSubStatus");
        assertThat(read.events().get(0).time()).isEqualTo("2005-08-23T20:19:06Z");
        assertThat(read.end().events()).isEqualTo(4);
    }

    @Test
    void filterKeepsOnlyMatchingUrlsAndAreas() throws IOException {
        Path file = dir.resolve("f.jsonl");
        SessionWriter w = SessionWriter.open(file, new SessionFilter("/cgi-bin/*.exe/**", EnumSet.of(Area.CGI)), 1 << 20);
        w.writeRequest(SeedRecords.request());
        w.writeRequest(SeedRecords.request(SeedRecords.newContext(), "http://h/other/x.exe/y"));
        w.writeRequest(SeedRecords.request(SeedRecords.newContext(), "http://h/cgi-bin/sub/x.exe/y"));
        SessionSummary s = w.close();
        SessionContents read = SessionReader.read(file);
        assertThat(s.events()).isEqualTo(2);
        assertThat(read.events()).extracting(RecordedEvent::area).containsOnly("CGI");
        assertThat(read.events()).extracting(RecordedEvent::contextId).containsOnly(SeedRecords.CONTEXT.contextId());
    }

    /** A session's url glob is the deny rules' glob: "**&#47;" also matches no directory (PathGlob). */
    @Test
    void aSessionsUrlGlobMatchesAsTheDenyRulesDo() {
        SessionFilter f = new SessionFilter("/cgi-bin/**/x.exe", EnumSet.of(Area.CGI));
        assertThat(f.matchesUrl("http://h/cgi-bin/x.exe?a=1")).isTrue();
        assertThat(f.matchesUrl("http://h/cgi-bin/a/b/x.exe")).isTrue();
        assertThat(f.matchesUrl("http://h/cgi-binx.exe")).isFalse();
    }

    @Test
    void tornLastLineAndMissingEndAreToleratedAndReported() throws IOException {
        Path file = dir.resolve("crash.jsonl");
        SessionWriter w = SessionWriter.open(file, SessionFilter.all(), 1 << 20);
        w.writeRequest(SeedRecords.request());
        w.close();
        // What a killed server leaves: no end line, and the last event cut mid-line.
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.removeLast();
        String last = lines.removeLast();
        Files.writeString(file, String.join("\n", lines) + "\n" + last.substring(0, last.length() / 2));

        SessionContents read = SessionReader.read(file);
        assertThat(read.complete()).isFalse();
        assertThat(read.end()).isNull();
        assertThat(read.events()).hasSize(3);
        assertThat(read.problems()).anySatisfy(p -> assertThat(p).contains("torn"))
                .anySatisfy(p -> assertThat(p).contains("no end line"));
    }

    @Test
    void notASessionIsAnErrorNamingTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("x.jsonl"), "{\"hello\":1}\n");
        assertThatThrownBy(() -> SessionReader.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a tracegate session");
    }

    @Test
    void stopsAtMaxBytesAndSaysTruncated() throws IOException {
        Path file = dir.resolve("t.jsonl");
        long max = 4_000;
        SessionWriter w = SessionWriter.open(file, SessionFilter.all(), max);
        for (int i = 0; i < 50; i++) w.writeRequest(SeedRecords.request(SeedRecords.newContext(), "http://h/cgi-bin/x"));
        SessionSummary s = w.close();

        assertThat(s.truncated()).isTrue();
        assertThat(s.events() + s.dropped()).isEqualTo(200);
        assertThat(s.dropped()).isPositive();
        List<String> lines = Files.readAllLines(file);
        long endLine = lines.getLast().length() + 1;
        assertThat(Files.size(file)).isEqualTo(s.bytes()).isLessThanOrEqualTo(max + endLine);
        assertThat(Files.size(file) - endLine).isLessThanOrEqualTo(max);
        SessionContents read = SessionReader.read(file);
        assertThat(read.end().truncated()).isTrue();
        assertThat(read.events()).hasSize((int) s.events());
    }

    @Test
    void eightThreadsNeverInterleaveLines() throws Exception {
        Path file = dir.resolve("c.jsonl");
        SessionWriter w = SessionWriter.open(file, SessionFilter.all(), Long.MAX_VALUE);
        int threads = 8;
        int perThread = 2_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            RequestContext ctx = SeedRecords.newContext();
            String text = ("thread " + t + " ").repeat(20); // long lines make torn writes likely if unguarded
            all.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    w.write(SeedRecords.at("2026-11-23T21:00:00.123456Z", ctx, new TraceEvent.CgiStderr(text + i)));
                }
            }));
        }
        go.countDown();
        for (Thread t : all) t.join();
        SessionSummary s = w.close();

        assertThat(s.events() + s.dropped()).isEqualTo((long) threads * perThread);
        List<String> lines = Files.readAllLines(file);
        long seq = 0;
        for (String line : lines.subList(1, lines.size() - 1)) {
            JsonNode n = JSON.readTree(line);
            assertThat(n.get("seq").asLong()).isEqualTo(++seq);
            String text = n.get("data").get("Text").asText();
            String thread = text.substring(0, text.indexOf(' ', 7));
            assertThat(text).startsWith((thread + " ").repeat(20));
        }
        assertThat(seq).isEqualTo(s.events());
    }
}
