package org.tracegate.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.TraceFile;

/**
 * A true/false field read back from a FREB file is the text "true", not a Boolean: the analyzer read it as false,
 * so every process in a saved trace's timeline was "kept", a fresh one too, and no core was ever "dumped".
 */
class FlagFieldsTest {
    private static RecordedEvent event(long seq, String provider, String name, Map<String, Object> data) {
        return new RecordedEvent(seq, Instant.parse("2026-12-04T19:00:00Z").plusMillis(seq), "{C}", provider, name,
                "Information", data);
    }

    @Test
    void aFreshProcessInASavedTraceIsNewNotKept() {
        List<RecordedEvent> events = List.of(
                event(1, "WWW Server", "GENERAL_REQUEST_START", Map.of("RequestURL", "http://x/php/a.php", "RequestVerb", "GET")),
                event(2, "IISFastCGI", "FASTCGI_ASSIGN_PROCESS",
                        Map.of("CommandLine", "/usr/bin/php-cgi", "IsNewProcess", "true", "ProcessId", "4242", "RequestNumber", "1")),
                event(3, "WWW Server", "GENERAL_REQUEST_END", Map.of("HttpStatus", "502", "HttpSubStatus", "2", "BytesSent", "900")));
        Report report = Analyzer.analyze(List.of(new TraceFile(Path.of("fr000001.xml"), "FREB failed-request trace", events,
                400, List.of())));
        assertThat(report.failures()).singleElement().satisfies(d -> assertThat(d.timeline())
                .filteredOn(s -> s.event().equals("FASTCGI_ASSIGN_PROCESS")).singleElement()
                .extracting(Diagnosis.Step::detail).isEqualTo("pid 4242, request 1, new"));
    }

    @Test
    void aFlagIsTrueAsABooleanOrAsTheTextTrue() {
        RecordedEvent e = event(1, "IISCGI", "X", Map.of("A", true, "B", "true", "C", "TRUE", "D", "false", "E", false));
        assertThat(List.of(e.flag("A"), e.flag("B"), e.flag("C"), e.flag("D"), e.flag("E"), e.flag("missing")))
                .containsExactly(true, true, true, false, false, false);
    }
}
