package org.tracegate.analysis;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceRecord;
import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.SessionLinesWriter;
import org.tracegate.traceformats.TraceFile;
import org.tracegate.traceformats.TraceFiles;

/**
 * A request's trace as `tracegate trace analyze` sees it: written as a session file, read back by the same
 * loader, analyzed, and printed as the text screen.
 */
public record Analyzed(Diagnosis diagnosis, String screen) {

    /** The analysis of one recorded request, or null if it did not fail. */
    public static Analyzed of(RequestTrace trace) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        long seq = 0;
        for (TraceRecord r : trace.records()) events.add(RecordedEvent.of(++seq, r));
        Path file = Files.createTempFile("tracegate-analyzed-", ".session");
        try {
            try (Writer w = Files.newBufferedWriter(file)) {
                SessionLinesWriter.write(events, w);
            }
            TraceFile f = TraceFiles.load(file);
            // Counted as a FREB file counts it (4xx too): a rule could have chosen this request.
            Report report = Analyzer.analyze(List.of(new TraceFile(f.source(), f.format(), f.events(), 400, f.notes())));
            if (report.failures().isEmpty()) return null;
            StringWriter out = new StringWriter();
            TextReport.print(report, false, new PrintWriter(out));
            return new Analyzed(report.failures().getFirst(), out.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Takes traces off the queue until one for a URL containing {@code path}, and analyzes it. */
    public static Analyzed next(BlockingQueue<RequestTrace> traces, String path) throws Exception {
        for (int i = 0; i < 50; i++) {
            RequestTrace t = traces.poll(10, TimeUnit.SECONDS);
            if (t == null) break;
            TraceEvent.GeneralRequestStart start = t.first(TraceEvent.GeneralRequestStart.class);
            if (start != null && start.requestUrl().contains(path)) return of(t);
        }
        throw new AssertionError("no trace for " + path);
    }
}
