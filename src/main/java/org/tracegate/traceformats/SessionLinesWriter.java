package org.tracegate.traceformats;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.SessionFilter;
import org.tracegate.traceformats.SessionFormat;

/**
 * Writes events from any input as a session file ({@link SessionFormat}), so IIS traces can be kept
 * and analyzed like ours. The header's {@code started} is the first event's time, its filter is
 * "everything" and {@code maxBytes} is 0, meaning "not recorded by a session, no limit applied".
 */
public final class SessionLinesWriter {
    private SessionLinesWriter() {}

    public static void write(List<RecordedEvent> events, Writer out) throws IOException {
        Instant started = events.isEmpty() ? Instant.EPOCH : events.getFirst().time();
        out.write(SessionFormat.headerLine(started, SessionFilter.all(), 0));
        out.write('\n');
        for (RecordedEvent e : events) {
            out.write(SessionFormat.eventLine(e));
            out.write('\n');
        }
        Instant end = events.isEmpty() ? started : events.getLast().time();
        out.write(SessionFormat.endLine(end, events.size(), 0, false));
        out.write('\n');
    }
}
