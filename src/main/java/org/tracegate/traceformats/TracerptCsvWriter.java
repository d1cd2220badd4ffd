package org.tracegate.traceformats;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import org.tracegate.traceformats.RecordedEvent;

/**
 * Writes events in the layout of {@code tracerpt -of CSV}: its header line verbatim (with its ", "
 * separators, so scripts written for tracerpt files find their columns), then one RFC 4180 row per
 * event. Where tracerpt has data we do not (Event ID, PID, TID, processor, kernel and user time),
 * the cell is empty. Clock-Time is tracerpt's: 100 ns ticks since 1601-01-01 UTC (FILETIME). Unlike
 * tracerpt, which spreads user data over unnamed columns, User Data is one cell in the ETW rows'
 * {@code ContextId=…|Key=Value} form, so every row has the same 20 cells and the field names survive.
 */
public final class TracerptCsvWriter {
    public static final String HEADER = "Event Name, Type, Event ID, Version, Channel, Level, Opcode, Task, Keyword, "
            + "PID, TID, Processor Number, Instance ID, Parent Instance ID, Activity ID, Related Activity ID, "
            + "Clock-Time, Kernel(ms), User(ms), User Data";

    /** Seconds from 1601-01-01 to 1970-01-01. */
    private static final long FILETIME_EPOCH_SECONDS = 11_644_473_600L;

    private TracerptCsvWriter() {}

    public static void write(List<RecordedEvent> events, Writer out) throws IOException {
        out.write(HEADER);
        out.write("\r\n");
        for (RecordedEvent e : events) {
            String[] cells = {e.provider(), e.name(), "", "0", "0", Integer.toString(etwLevel(e.level())), "0", "0",
                    "0x0", "", "", "", "", "", e.contextId() == null ? "" : e.contextId(), "",
                    Long.toString(fileTime(e.time())), "", "", EtwRowsWriter.userData(e)};
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) out.write(',');
                out.write(quote(cells[i]));
            }
            out.write("\r\n");
        }
    }

    static long fileTime(Instant t) {
        return (t.getEpochSecond() + FILETIME_EPOCH_SECONDS) * 10_000_000L + t.getNano() / 100;
    }

    /** ETW's numeric levels. */
    static int etwLevel(String level) {
        return switch (level) {
            case "CriticalError" -> 1;
            case "Error" -> 2;
            case "Warning" -> 3;
            case "Information" -> 4;
            case "Verbose" -> 5;
            default -> 0;
        };
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\r') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
