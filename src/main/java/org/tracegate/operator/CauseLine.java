package org.tracegate.operator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tracegate.analysis.Analyzer;
import org.tracegate.analysis.Diagnosis;
import org.tracegate.analysis.Report;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceRecord;
import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.TraceFile;
import org.tracegate.traceformats.TraceFiles;

/** The analyzer's diagnosis of one request, for the line on top of a trace view: the same words as `trace analyze`. */
final class CauseLine {
    private CauseLine() {}

    /** A request still in memory; null when the analyzer finds no failure in it. */
    static Diagnosis of(RequestTrace trace) {
        List<RecordedEvent> events = new ArrayList<>();
        long seq = 0;
        for (TraceRecord r : trace.records()) events.add(RecordedEvent.of(++seq, r));
        return first(Analyzer.analyze(List.of(new TraceFile(Path.of("request-" + trace.context().requestId()),
                "session", events, 500, List.of()))));
    }

    /** A trace file (FREB fr*.xml, a session); null when it cannot be read or holds no failure. */
    static Diagnosis of(Path file) {
        try {
            return first(Analyzer.analyze(List.of(TraceFiles.load(file))));
        } catch (Exception e) {
            return null;
        }
    }

    private static Diagnosis first(Report report) {
        return report.failures().isEmpty() ? null : report.failures().getFirst();
    }
}
