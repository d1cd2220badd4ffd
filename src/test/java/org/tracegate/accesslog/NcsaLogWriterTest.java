package org.tracegate.accesslog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NcsaLogWriterTest {
    /** %h - %u [%d/%b/%Y:%H:%M:%S %z] "%r" %s %b "%{Referer}" "%{User-agent}", quoted parts with \-escapes. */
    static final Pattern COMBINED = Pattern.compile("^(\\S+) - (\\S+) \\[(\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000)] "
            + "\"((?:[^\"\\\\]|\\\\.)*)\" (\\d{3}) (\\d+|-) \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\"$");

    @TempDir Path dir;
    final Records.MovableClock clock = new Records.MovableClock(Instant.parse("2026-03-01T21:07:10Z"));

    private List<String> write(AccessRecord... records) throws IOException {
        try (NcsaLogWriter w = new NcsaLogWriter(dir, WriterSettings.defaults().withClock(clock))) {
            for (AccessRecord r : records) w.log(r);
            assertThat(w.awaitWritten(Duration.ofSeconds(10))).isTrue();
        }
        return Files.readAllLines(dir.resolve("access_20260301.log"), UTF_8);
    }

    @Test
    void aFullRecordMatchesTheCombinedFormat() throws IOException {
        String line = write(Records.full()).getFirst();

        Matcher m = COMBINED.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        // [%t] is when the request arrived: 21:07:09.345 minus 30012 ms.
        assertThat(line).isEqualTo("2001:db8::7 - jdoe [01/Mar/2026:21:06:39 +0000] "
                + "\"POST /cgi-bin/orders.cgi/extra%2Fpath?id=42&x=%41 HTTP/1.1\" 502 1234 "
                + "\"https://example.test/form\" \"curl/8.5.0\"");
    }

    @Test
    void emptyValuesAreDashesAndNoHeaderIsWritten() throws IOException {
        List<String> lines = write(Records.bare(Records.T));

        assertThat(lines).singleElement().satisfies(l -> {
            assertThat(COMBINED.matcher(l).matches()).isTrue();
            assertThat(l).isEqualTo("127.0.0.1 - - [01/Mar/2026:21:07:09 +0000] \"GET / HTTP/1.1\" 200 - \"-\" \"-\"");
        });
    }

    @Test
    void quotesBackslashesAndLineBreaksAreEscapedLikeApache() throws IOException {
        List<String> lines = write(Records.withAgent("say \"hi\" \\o/\r\nX-Forged: 1\u2028", "a\tb"), Records.full());

        assertThat(lines).hasSize(2);
        assertThat(lines).allSatisfy(l -> assertThat(COMBINED.matcher(l).matches()).as(l).isTrue());
        assertThat(lines.getFirst()).endsWith(" \"a\\tb\" \"say \\\"hi\\\" \\\\o/\\r\\nX-Forged: 1\\xe2\\x80\\xa8\"");
    }

    @Test
    void rollsAtUtcMidnightIntoAccessYyyymmddFiles() throws IOException {
        clock.now = Instant.parse("2026-12-31T23:59:59Z");
        try (NcsaLogWriter w = new NcsaLogWriter(dir, WriterSettings.defaults().withClock(clock))) {
            w.log(Records.bare(clock.now));
            assertThat(w.awaitWritten(Duration.ofSeconds(10))).isTrue();
            clock.now = Instant.parse("2027-01-01T00:00:01Z");
            w.log(Records.bare(clock.now));
            assertThat(w.awaitWritten(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(dir.resolve("access_20261231.log")).hasContent(
                "127.0.0.1 - - [31/Dec/2026:23:59:58 +0000] \"GET / HTTP/1.1\" 200 - \"-\" \"-\"");
        assertThat(dir.resolve("access_20270101.log")).exists();
    }
}
