package org.tracegate.accesslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.Version;

class W3cLogWriterTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String FIELDS = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
            + "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken "
            + "x-activity-id x-program-exit";

    @TempDir Path dir;
    final Records.MovableClock clock = new Records.MovableClock(Instant.parse("2026-03-01T21:07:10Z"));

    private W3cLogWriter writer(WriterSettings s) throws IOException {
        return new W3cLogWriter(dir, s);
    }

    private WriterSettings settings() {
        return WriterSettings.defaults().withClock(clock);
    }

    private List<Map<String, String>> logAndParse(AccessRecord... records) throws IOException {
        try (W3cLogWriter w = writer(settings())) {
            for (AccessRecord r : records) w.log(r);
            assertThat(w.awaitWritten(WAIT)).isTrue();
            assertThat(w.dropped()).isZero();
        }
        return W3cLogParser.parse(dir.resolve("u_ex260301.log"));
    }

    private List<String> lines(String name) throws IOException {
        return Files.readAllLines(dir.resolve(name), UTF_8);
    }

    private List<String> logFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyFieldRoundTripsThroughWriterAndParser() throws IOException {
        AccessRecord r = Records.full();
        Map<String, String> row = logAndParse(r).getFirst();

        assertThat(row.keySet()).containsExactlyElementsOf(W3cLogWriter.FIELDS);
        assertThat(W3cLogParser.time(row)).isEqualTo(Instant.parse("2026-03-01T21:07:09Z")); // IIS logs whole seconds
        assertThat(row.get("date")).isEqualTo("2026-03-01");
        assertThat(row.get("time")).isEqualTo("21:07:09");
        assertThat(row.get("s-ip")).isEqualTo(r.serverIp());
        assertThat(row.get("cs-method")).isEqualTo(r.method());
        assertThat(row.get("cs-uri-stem")).isEqualTo(r.uriStem()); // not decoded
        assertThat(row.get("cs-uri-query")).isEqualTo(r.uriQuery());
        assertThat(row.get("s-port")).isEqualTo("8443");
        assertThat(row.get("cs-username")).isEqualTo(r.username());
        assertThat(row.get("c-ip")).isEqualTo(r.clientIp());
        assertThat(row.get("cs(User-Agent)")).isEqualTo(r.userAgent());
        assertThat(row.get("cs(Referer)")).isEqualTo(r.referer());
        assertThat(row.get("sc-status")).isEqualTo("502");
        assertThat(row.get("sc-substatus")).isEqualTo("2");
        assertThat(row.get("sc-win32-status")).isEqualTo("32");
        assertThat(row.get("sc-bytes")).isEqualTo("1234");
        assertThat(row.get("cs-bytes")).isEqualTo("5678");
        assertThat(row.get("time-taken")).isEqualTo("30012");
        assertThat(row.get("x-activity-id")).isEqualTo(r.activityId());
        assertThat(row.get("x-program-exit")).isEqualTo("SIGSEGV");
    }

    @Test
    void emptyAndNullValuesAreWrittenAsDashAndReadBackEmpty() throws IOException {
        AccessRecord r = Records.bare(Records.T);
        List<Map<String, String>> rows = logAndParse(r, Records.withAgent("", ""));

        assertThat(lines("u_ex260301.log").get(4))
                .isEqualTo("2026-03-01 21:07:09 127.0.0.1 GET / - 80 - 127.0.0.1 - - 200 0 0 0 0 1 "
                        + "8000002a-0000-f900-b63f-84710c7967bb -");
        Map<String, String> row = rows.getFirst();
        for (String f : List.of("cs-uri-query", "cs-username", "cs(User-Agent)", "cs(Referer)", "x-program-exit")) {
            assertThat(row).containsEntry(f, "");
        }
        assertThat(rows.get(1)).containsEntry("cs(User-Agent)", "").containsEntry("cs(Referer)", "");
    }

    @Test
    void spacesInUserAgentBecomePlusLikeIis() throws IOException {
        String ua = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0";
        Map<String, String> row = logAndParse(Records.withAgent(ua, null)).getFirst();

        assertThat(row.get("cs(User-Agent)")).isEqualTo("Mozilla/5.0+(X11;+Linux+x86_64)+Gecko/20100101+Firefox/128.0");
        assertThat(W3cLogParser.decodePlus(row.get("cs(User-Agent)"))).isEqualTo(ua);
    }

    @Test
    void newlinesTabsAndUnicodeLineBreaksCannotBreakTheLine() throws IOException {
        List<Map<String, String>> rows = logAndParse(
                Records.withAgent("evil\r\n2026-03-01 00:00:00 forged line", "a\tb\u0085c\u2028d\u00A0e\u0000f"),
                Records.full());

        assertThat(lines("u_ex260301.log")).hasSize(4 + 2);
        assertThat(rows).hasSize(2);
        assertThat(rows.getFirst().get("cs(User-Agent)")).isEqualTo("evil%0D%0A2026-03-01+00:00:00+forged+line");
        assertThat(rows.getFirst().get("cs(Referer)")).isEqualTo("a%09b%C2%85c%E2%80%A8d%C2%A0e%00f");
        assertThat(rows.get(1).get("cs(User-Agent)")).isEqualTo("curl/8.5.0");
    }

    @Test
    void nonAsciiTextIsWrittenAsUtf8() throws IOException {
        Map<String, String> row = logAndParse(Records.withAgent("Zürich-Bot/1 日本", null)).getFirst();
        assertThat(row.get("cs(User-Agent)")).isEqualTo("Zürich-Bot/1+日本");
    }

    @Test
    void headerBlockContentAndOrderExactly() throws IOException {
        logAndParse(Records.full());

        assertThat(lines("u_ex260301.log")).startsWith(
                "#Software: Tracegate " + Version.NUMBER,
                "#Version: 1.0",
                "#Date: 2026-03-01 21:07:10",
                FIELDS);
        assertThat(lines("u_ex260301.log")).hasSize(5);
        assertThat(Files.readString(dir.resolve("u_ex260301.log"))).doesNotContain("\r").endsWith("\n");
    }

    @Test
    void noFileUntilTheFirstRecordLikeIis() throws IOException {
        try (W3cLogWriter w = writer(settings())) {
            assertThat(w.awaitWritten(WAIT)).isTrue();
        }
        assertThat(logFiles()).isEmpty();
    }

    @Test
    void aRestartAppendsToTheDaysFileWithANewHeaderBlock() throws IOException {
        logAndParse(Records.full());
        clock.now = clock.now.plusSeconds(60);
        List<Map<String, String>> rows = logAndParse(Records.bare(Records.T.plusSeconds(61)));

        List<String> lines = lines("u_ex260301.log");
        assertThat(lines).hasSize(10);
        assertThat(lines.get(5)).isEqualTo("#Software: Tracegate " + Version.NUMBER);
        assertThat(lines.get(7)).isEqualTo("#Date: 2026-03-01 21:08:10");
        assertThat(rows).extracting(m -> m.get("sc-status")).containsExactly("502", "200");
    }

    @Test
    void rollsToANewFileAtUtcMidnight() throws IOException {
        clock.now = Instant.parse("2026-03-01T23:59:59.900Z");
        try (W3cLogWriter w = writer(settings())) {
            w.log(Records.bare(clock.now));
            assertThat(w.awaitWritten(WAIT)).isTrue();
            clock.now = Instant.parse("2026-03-02T00:00:00.100Z");
            w.log(Records.bare(clock.now));
            assertThat(w.awaitWritten(WAIT)).isTrue();
        }

        assertThat(logFiles()).containsExactly("u_ex260301.log", "u_ex260302.log");
        assertThat(lines("u_ex260302.log")).hasSize(5).element(2).isEqualTo("#Date: 2026-03-02 00:00:00");
        assertThat(W3cLogParser.parse(dir.resolve("u_ex260301.log"))).singleElement()
                .satisfies(m -> assertThat(m.get("time")).isEqualTo("23:59:59"));
        assertThat(W3cLogParser.parse(dir.resolve("u_ex260302.log"))).singleElement()
                .satisfies(m -> assertThat(m.get("date")).isEqualTo("2026-03-02"));
    }

    @Test
    void rollsBySizeToNumberedFilesEachWithAHeader() throws IOException {
        long headerBytes = W3cLogWriter.header(clock.instant()).getBytes(UTF_8).length;
        long lineBytes = W3cLogWriter.line(Records.full()).getBytes(UTF_8).length + 1;
        long max = headerBytes + 2 * lineBytes; // two records per file
        try (W3cLogWriter w = writer(settings().withMaxFileBytes(max))) {
            for (int i = 0; i < 5; i++) w.log(Records.full());
            assertThat(w.awaitWritten(WAIT)).isTrue();
        }

        assertThat(logFiles()).containsExactly("u_ex260301.log", "u_ex260301_1.log", "u_ex260301_2.log");
        for (String f : logFiles()) {
            assertThat(lines(f).getFirst()).isEqualTo("#Software: Tracegate " + Version.NUMBER);
            assertThat(Files.size(dir.resolve(f))).isLessThanOrEqualTo(max);
        }
        assertThat(W3cLogParser.parse(dir.resolve("u_ex260301_1.log"))).hasSize(2);
        assertThat(W3cLogParser.parse(dir.resolve("u_ex260301_2.log"))).hasSize(1);
    }

    @Test
    void aRestartContinuesInTheLatestNumberedFile() throws IOException {
        long headerBytes = W3cLogWriter.header(clock.instant()).getBytes(UTF_8).length;
        long lineBytes = W3cLogWriter.line(Records.full()).getBytes(UTF_8).length + 1;
        WriterSettings s = settings().withMaxFileBytes(2 * (headerBytes + lineBytes)); // two runs of one record
        for (int records : new int[] {1, 2, 1}) {
            try (W3cLogWriter w = writer(s)) {
                for (int i = 0; i < records; i++) w.log(Records.full());
                assertThat(w.awaitWritten(WAIT)).isTrue();
            }
        }
        // Run 2 appends to the first file, then rolls to _1; run 3 must append to _1, not the first file.
        assertThat(logFiles()).containsExactly("u_ex260301.log", "u_ex260301_1.log");
        for (String f : logFiles()) {
            assertThat(lines(f)).filteredOn(l -> l.startsWith("#Software")).hasSize(2);
            assertThat(W3cLogParser.parse(dir.resolve(f))).hasSize(2);
        }
    }

    @Test
    void aLineLongerThanTheLimitStillGetsWrittenOncePerFile() throws IOException {
        try (W3cLogWriter w = writer(settings().withMaxFileBytes(10))) {
            w.log(Records.full());
            w.log(Records.full());
            assertThat(w.awaitWritten(WAIT)).isTrue();
        }
        assertThat(logFiles()).containsExactly("u_ex260301.log", "u_ex260301_1.log");
    }

    @Test
    void aFullQueueCountsDropsWithoutBlockingTheCaller() throws IOException, InterruptedException {
        Records.StallingClock stall = new Records.StallingClock();
        try (W3cLogWriter w = writer(settings().withClock(stall).withQueueCapacity(2))) {
            w.log(Records.full());
            stall.entered.await(); // the writer holds record 1 and is stuck in the clock
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                for (int i = 0; i < 1_000; i++) w.log(Records.full());
            });
            assertThat(w.dropped()).isEqualTo(998);
            assertThat(w.awaitWritten(Duration.ofMillis(50))).isFalse();

            stall.release.countDown();
            assertThat(w.awaitWritten(WAIT)).isTrue();
        }
        assertThat(W3cLogParser.parse(dir.resolve("u_ex260301.log"))).hasSize(3);
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterRecordsCountAsDropped() throws IOException {
        W3cLogWriter w = writer(settings());
        for (int i = 0; i < 100; i++) w.log(Records.full());
        w.close();
        w.close(); // idempotent
        w.log(Records.full());

        assertThat(W3cLogParser.parse(dir.resolve("u_ex260301.log"))).hasSize(100);
        assertThat(w.dropped()).isEqualTo(1);
    }

    @Test
    void aFileThatCannotBeOpenedIsReportedOncePerOutageAndTheRecordsCounted() throws IOException {
        List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path logs = dir.resolve("logs");
        try (W3cLogWriter w = new W3cLogWriter(logs, settings().withProblems(problems::add))) {
            Files.delete(logs);
            Files.writeString(logs, "a file where the directory was");
            w.log(Records.full());
            w.log(Records.full());
            assertThat(w.awaitWritten(WAIT)).isTrue();
            assertThat(w.dropped()).isEqualTo(2);
        }
        assertThat(problems).singleElement().asString().startsWith("access log in " + logs + ": ");
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> WriterSettings.defaults().withMaxFileBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriterSettings.defaults().withQueueCapacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriterSettings.defaults().withProblems(null)).isInstanceOf(NullPointerException.class);
        assertThat(WriterSettings.defaults().maxFileBytes()).isEqualTo(64L * 1024 * 1024);
    }
}
