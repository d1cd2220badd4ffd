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

    /** A managed worker the server killed after a timeout did exit: by the signal the server sent. */
    @Test
    void aWorkerKilledAfterATimeoutIsNotSaidToHaveOutlivedTheRequest() {
        List<RecordedEvent> events = List.of(
                event(1, "WWW Server", "GENERAL_REQUEST_START", Map.of("RequestURL", "http://x/php/hang.php", "RequestVerb", "GET")),
                event(2, "IISFastCGI", "FASTCGI_REQUEST_START", Map.of("Application", "/usr/bin/php-cgi (managed, up to 2 instances)",
                        "ScriptFilename", "/srv/php/hang.php")),
                event(3, "IISFastCGI", "FASTCGI_ASSIGN_PROCESS",
                        Map.of("CommandLine", "/usr/bin/php-cgi", "IsNewProcess", "false", "ProcessId", "4242", "RequestNumber", "3")),
                event(4, "IISFastCGI", "FASTCGI_END", Map.of("End", "ABANDONED")),
                event(5, "IISFastCGI", "FASTCGI_PROCESS_DIED", Map.of("ProcessId", "4242", "RequestsServed", "3", "ExitCode", "",
                        "Signal", "SIGKILL", "Unexpected", "false")),
                event(6, "WWW Server", "GENERAL_REQUEST_END", Map.of("HttpStatus", "502", "HttpSubStatus", "1", "BytesSent", "900")));
        Report report = Analyzer.analyze(List.of(new TraceFile(Path.of("fr000002.xml"), "FREB failed-request trace", events,
                400, List.of())));
        assertThat(report.failures()).singleElement().extracting(d -> d.program().exit())
                .isEqualTo("signal SIGKILL, ended by the server");
    }

    @Test
    void aFlagIsTrueAsABooleanOrAsTheTextTrue() {
        RecordedEvent e = event(1, "IISCGI", "X", Map.of("A", true, "B", "true", "C", "TRUE", "D", "false", "E", false));
        assertThat(List.of(e.flag("A"), e.flag("B"), e.flag("C"), e.flag("D"), e.flag("E"), e.flag("missing")))
                .containsExactly(true, true, true, false, false, false);
    }
}
