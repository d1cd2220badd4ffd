package org.tracegate.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class W3cLogParserTest {
    /**
     * As IIS 10 writes it (default fields, CRLF, a second header block after an app pool recycle);
     * the second row is the IIS 502.2 "CGI application did not return a complete set of headers".
     */
    static final String IIS_SAMPLE = """
            #Software: Microsoft Internet Information Services 10.0\r
            #Version: 1.0\r
            #Date: 2026-03-01 08:12:03\r
            #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r
            2026-03-01 08:12:03 10.0.0.4 GET /default.htm - 80 - 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - 200 0 0 187\r
            2026-03-01 08:12:05 10.0.0.4 POST /cgi-bin/orders.exe id=42 443 CONTOSO\\jdoe 203.0.113.9 curl/8.5.0 https://www.contoso.com/ 502 2 0 30012\r
            2026-03-01 08:12:06 10.0.0.4 GET /missing.cgi - 80 - 203.0.113.9 curl/8.5.0 - 404 0 2 1\r
            #Software: Microsoft Internet Information Services 10.0\r
            #Version: 1.0\r
            #Date: 2026-03-01 09:00:00\r
            #Fields: time c-ip cs-method cs-uri-stem sc-status sc-substatus sc-win32-status date\r
            09:00:00 198.51.100.2 GET /ping 200 0 64 2026-03-01\r
            """;

    @TempDir Path dir;

    @Test
    void readsAnIisProducedFileWithTwoHeaderBlocksInAnyFieldOrder() throws IOException {
        Path file = dir.resolve("u_ex260301.log");
        Files.writeString(file, "\uFEFF" + IIS_SAMPLE, StandardCharsets.UTF_8);

        List<Map<String, String>> rows = W3cLogParser.parse(file);

        assertThat(rows).hasSize(4);
        Map<String, String> first = rows.getFirst();
        assertThat(first.keySet()).startsWith("date", "time", "s-ip").endsWith("time-taken").hasSize(15);
        assertThat(first).containsEntry("cs-uri-query", "").containsEntry("cs-username", "")
                .containsEntry("cs(Referer)", "").containsEntry("time-taken", "187");
        assertThat(W3cLogParser.decodePlus(first.get("cs(User-Agent)")))
                .isEqualTo("Mozilla/5.0 (Windows NT 10.0; Win64; x64)");

        Map<String, String> failed = rows.get(1);
        assertThat(List.of(failed.get("sc-status"), failed.get("sc-substatus"), failed.get("sc-win32-status")))
                .containsExactly("502", "2", "0");
        assertThat(failed).containsEntry("cs-username", "CONTOSO\\jdoe").containsEntry("cs-uri-query", "id=42");
        assertThat(rows.get(2)).containsEntry("sc-win32-status", "2");

        Map<String, String> reordered = rows.get(3);
        assertThat(reordered.keySet()).containsExactly("time", "c-ip", "cs-method", "cs-uri-stem", "sc-status",
                "sc-substatus", "sc-win32-status", "date");
        assertThat(reordered).containsEntry("cs-uri-stem", "/ping").containsEntry("sc-win32-status", "64");
        assertThat(W3cLogParser.time(reordered)).isEqualTo(Instant.parse("2026-03-01T09:00:00Z"));
    }

    @Test
    void aRowBeforeAnyFieldsDirectiveIsAnError() {
        assertThatThrownBy(() -> W3cLogParser.parse(new StringReader("#Version: 1.0\n2026-03-01 00:00:00 GET\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 2: row before any #Fields");
    }

    @Test
    void aTornRowIsAnErrorNamingTheLine() {
        String text = "#Fields: date time cs-method\n2026-03-01 00:00:00 GET\n\n2026-03-01 00:00:01\n";
        assertThatThrownBy(() -> W3cLogParser.parse(new StringReader(text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 4: 3 fields in #Fields, 2 in the row: 2026-03-01 00:00:01");
    }

    @Test
    void rowsAreUnmodifiableAndDecodePlusLeavesOtherTextAlone() throws IOException {
        Map<String, String> row = W3cLogParser.parse(new StringReader("#Fields: a b\nx+y %41\n")).getFirst();
        assertThatThrownBy(() -> row.put("a", "z")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(row).containsEntry("a", "x+y").containsEntry("b", "%41");
        assertThat(W3cLogParser.decodePlus("x+y%2B")).isEqualTo("x y%2B");
        assertThat(W3cLogParser.decodePlus(null)).isNull();
    }
}
