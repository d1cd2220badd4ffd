package org.tracegate.traceformats;

import static org.tracegate.trace.EventNames.*;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracegate.traceformats.RecordedEvent;

/**
 * W3C extended logs (IIS's default log format): {@code #Fields:} names the space-separated columns
 * (it may change mid-file). A row has no request id and no CGI detail, so each becomes a pair of
 * events under the id {@code w3c:LINE}: GENERAL_REQUEST_START at {@code date time − time-taken} and
 * GENERAL_REQUEST_END at {@code date time} (IIS writes the row when the request ends, in UTC).
 */
final class W3cLogReader {
    private W3cLogReader() {}

    static TraceFile read(Path file, String text) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> fields = null;
        String[] lines = text.split("\r?\n");
        long seq = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("#Fields:")) {
                fields = List.of(line.substring("#Fields:".length()).strip().split("\\s+"));
                continue;
            }
            if (line.startsWith("#") || line.isBlank()) continue;
            if (fields == null) {
                notes.add("line " + (i + 1) + " skipped: no #Fields: line before it");
                continue;
            }
            String[] cols = line.strip().split("\\s+");
            if (cols.length != fields.size()) {
                notes.add("line " + (i + 1) + " skipped: " + cols.length + " columns, #Fields: names " + fields.size());
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < cols.length; c++) row.put(fields.get(c), "-".equals(cols[c]) ? null : cols[c]);
            Instant end;
            try {
                end = LocalDate.parse(row.get("date")).atTime(LocalTime.parse(row.get("time"))).toInstant(ZoneOffset.UTC);
            } catch (RuntimeException e) {
                notes.add("line " + (i + 1) + " skipped: no readable date and time");
                continue;
            }
            long taken = number(row.get("time-taken"));
            String context = "w3c:" + (i + 1);
            String query = row.get("cs-uri-query");
            Map<String, Object> start = new LinkedHashMap<>();
            start.put("RequestURL", row.get("cs-uri-stem") + (query == null ? "" : "?" + query));
            start.put("RequestVerb", row.get("cs-method"));
            if (row.get("c-ip") != null) start.put("ClientIp", row.get("c-ip"));
            Map<String, Object> stop = new LinkedHashMap<>();
            stop.put("BytesSent", number(row.get("sc-bytes")));
            stop.put("BytesReceived", number(row.get("cs-bytes")));
            stop.put("HttpStatus", number(row.get("sc-status")));
            stop.put("HttpSubStatus", number(row.get("sc-substatus")));
            stop.put("Win32Status", number(row.get("sc-win32-status")));
            stop.put("TimeTaken", taken);
            events.add(new RecordedEvent(++seq, taken > 0 ? end.minusMillis(taken) : end, context, "IISGeneral",
                    GENERAL_REQUEST_START, "Information", start));
            events.add(new RecordedEvent(++seq, end, context, "IISGeneral", GENERAL_REQUEST_END, "Information", stop));
        }
        if (fields == null) throw new IOException(file + ": no #Fields: line");
        return new TraceFile(file, "w3c", events, 400, notes);
    }

    private static long number(String s) {
        if (s == null) return -1;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
