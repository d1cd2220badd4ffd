package org.tracegate.traceformats;

import java.time.Instant;
import java.util.List;

/**
 * A session file as read back.
 *
 * @param started   the header's start time
 * @param urlGlob   the header's URL filter, or null
 * @param areas     the header's areas ("General", "CGI", ...)
 * @param maxBytes  the header's size limit
 * @param events    the events, in file order
 * @param end       the end line, or null when the session was never stopped (the server died or runs)
 * @param problems  what was wrong with the file, in plain words (torn last line, unreadable lines)
 */
public record SessionContents(Instant started, String urlGlob, List<String> areas, long maxBytes,
                              List<RecordedEvent> events, End end, List<String> problems) {

    public SessionContents {
        areas = List.copyOf(areas);
        events = List.copyOf(events);
        problems = List.copyOf(problems);
    }

    /** The end line's counts. */
    public record End(Instant time, long events, long dropped, boolean truncated) {}

    /** Whether the session was stopped cleanly and every line was readable. */
    public boolean complete() {
        return end != null && problems.isEmpty();
    }
}
