package org.tracegate.analysis;

import static org.tracegate.trace.EventNames.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tracegate.traceformats.RecordedEvent;
import org.tracegate.traceformats.SessionFilter;
import org.tracegate.traceformats.TraceFile;

/** One request's events from one file, in file order, with the facts every report needs. */
public record RequestEvents(TraceFile file, String contextId, List<RecordedEvent> events) {
    private static final Set<String> CGI_FAILURES =
            Set.of(CGI_PREMATURE_TERMINATION, CGI_TIMEOUT, CGI_INVALID_HEADERS, CGI_RESPONSE_ABORTED,
                    FASTCGI_UNEXPECTED_EXIT);

    public RequestEvents {
        events = List.copyOf(events);
    }

    /** The file's events grouped by ContextId (ActivityID), in order of each request's first event. */
    public static List<RequestEvents> group(TraceFile file) {
        Map<String, List<RecordedEvent>> by = new LinkedHashMap<>();
        for (RecordedEvent e : file.events()) {
            by.computeIfAbsent(e.contextId() == null ? "(no ContextId)" : e.contextId(), k -> new ArrayList<>()).add(e);
        }
        List<RequestEvents> out = new ArrayList<>(by.size());
        by.forEach((id, list) -> out.add(new RequestEvents(file, id, list)));
        return out;
    }

    public RecordedEvent first(String name) {
        for (RecordedEvent e : events) if (e.name().equals(name)) return e;
        return null;
    }

    public RecordedEvent last(String name) {
        for (RecordedEvent e : events.reversed()) if (e.name().equals(name)) return e;
        return null;
    }

    public List<RecordedEvent> all(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /**
     * Failed: a status at or over the file's threshold (500 for traces, 400 for W3C logs), a CGI
     * failure event, or a launch whose ErrorCode is not 0. Aborted responses count although their
     * status may be 200: the client got a cut-off response.
     */
    public boolean failed() {
        if (status() >= file.minFailingStatus()) return true;
        if (events.stream().anyMatch(e -> CGI_FAILURES.contains(e.name()))) return true;
        RecordedEvent launch = first(CGI_LAUNCH);
        return launch != null && launchFailed(launch);
    }

    static boolean launchFailed(RecordedEvent launch) {
        Object code = launch.data().get("ErrorCode");
        return code != null && launch.number("ErrorCode") != 0;
    }

    public String verb() {
        RecordedEvent s = first(GENERAL_REQUEST_START);
        return s == null ? null : s.text("RequestVerb");
    }

    public String url() {
        RecordedEvent s = first(GENERAL_REQUEST_START);
        return s == null ? null : s.text("RequestURL");
    }

    /** The URL's path, without scheme, host or query. */
    public String path() {
        String u = url();
        return u == null ? null : SessionFilter.cutToPath(u);
    }

    /** From the last GENERAL_REQUEST_END, else the last MODULE_SET_RESPONSE_ERROR_STATUS; -1 if unknown. */
    public int status() {
        RecordedEvent end = last(GENERAL_REQUEST_END);
        if (end != null && end.number("HttpStatus") >= 0) return (int) end.number("HttpStatus");
        RecordedEvent set = last(MODULE_SET_RESPONSE_ERROR_STATUS);
        return set == null ? -1 : (int) set.number("HttpStatus");
    }

    public int subStatus() {
        RecordedEvent end = last(GENERAL_REQUEST_END);
        if (end != null && end.number("HttpSubStatus") >= 0) return (int) end.number("HttpSubStatus");
        RecordedEvent set = last(MODULE_SET_RESPONSE_ERROR_STATUS);
        return set == null || set.number("HttpSubStatus") < 0 ? 0 : (int) set.number("HttpSubStatus");
    }

    /** IIS's "502.2"; "unknown" when no event says. */
    public String statusText() {
        return status() < 0 ? "unknown" : status() + "." + subStatus();
    }

    public long endNumber(String key) {
        RecordedEvent end = last(GENERAL_REQUEST_END);
        return end == null ? -1 : end.number(key);
    }

    /** The program's file name: HANDLER_CHANGED's PhysicalPath, else the command line's first word, else the URL path. */
    public String script() {
        RecordedEvent h = last(HANDLER_CHANGED);
        if (h != null && h.text("PhysicalPath") != null && !h.text("PhysicalPath").isBlank()) {
            return baseName(h.text("PhysicalPath"));
        }
        RecordedEvent launch = first(CGI_LAUNCH);
        if (launch != null && launch.text("CommandLine") != null) {
            String cl = launch.text("CommandLine").strip();
            String first = cl.startsWith("\"") && cl.indexOf('"', 1) > 0 ? cl.substring(1, cl.indexOf('"', 1))
                    : cl.split("\\s+", 2)[0];
            if (!first.isEmpty()) return baseName(first);
        }
        String p = path();
        if (p == null) return "(unknown)";
        // A W3C row has only the URL: the first segment with an extension is the program, the rest PATH_INFO.
        for (String segment : p.split("/")) if (segment.indexOf('.') > 0) return segment;
        return p;
    }

    static String baseName(String path) {
        int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(cut + 1);
    }
}
