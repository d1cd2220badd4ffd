package org.tracegate.traceformats;

import java.nio.file.Path;
import java.util.List;
import org.tracegate.traceformats.RecordedEvent;

/**
 * One input file, read into events whatever its format.
 *
 * @param format          what it was: "session", "etw-rows", "freb" or "w3c"
 * @param minFailingStatus the lowest HTTP status counted as a failure: 500 for event traces (where CGI
 *                        events say more), 400 for W3C logs (the status is all a log row has) and for FREB
 *                        files (a rule chose the request, often by a 4xx status)
 * @param notes           what the reader noticed (torn lines, synthesized events), in plain words
 */
public record TraceFile(Path source, String format, List<RecordedEvent> events, int minFailingStatus,
                        List<String> notes) {

    public TraceFile {
        events = List.copyOf(events);
        notes = List.copyOf(notes);
    }

    /** The format as an operator would name it. */
    public String formatDescription() {
        return switch (format) {
            case "session" -> "Tracegate session";
            case "etw-rows" -> "IIS ETW rows";
            case "freb" -> "FREB failed-request trace";
            case "w3c" -> "W3C extended log";
            default -> format;
        };
    }
}
