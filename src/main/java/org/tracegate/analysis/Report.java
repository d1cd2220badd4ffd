package org.tracegate.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tracegate.traceformats.TraceFile;

/** The analysis of one or more files: how many requests, and a diagnosis per failed one. */
public record Report(List<TraceFile> files, int requests, List<Diagnosis> failures) {

    public Report {
        files = List.copyOf(files);
        failures = List.copyOf(failures);
    }

    /** A summary table is worth its lines only when there is more than one thing to count. */
    public boolean wantsSummary() {
        return files.size() > 1 || failures.size() > 1;
    }

    public Map<String, Long> byStatus() { return count(Diagnosis::status); }

    public Map<String, Long> byScript() { return count(Diagnosis::script); }

    public Map<String, Long> byCause() { return count(Diagnosis::causeKind); }

    /** Counts, largest first, ties in order of first appearance. */
    private Map<String, Long> count(Function<Diagnosis, String> key) {
        Map<String, Long> counts = failures.stream().collect(Collectors.groupingBy(
                d -> String.valueOf(key.apply(d)), LinkedHashMap::new, Collectors.counting()));
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEachOrdered(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
