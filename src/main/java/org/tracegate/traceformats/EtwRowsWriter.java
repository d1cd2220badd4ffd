package org.tracegate.traceformats;

import java.io.IOException;
import java.io.Writer;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.tracegate.text.Markup;

/**
 * Writes events as the IIS 502.2 article shows them: Log Parser's XML output of an ETW trace, one
 * {@code <ROW>} per event under a {@code <ROOT>} (Log Parser's root element), with EventNumber,
 * EventName (provider), EventTypeName, Timestamp ({@code yyyy-MM-dd HH:mm:ss} UTC) and UserData
 * ({@code ContextId={…}|Key=Value|…}). Sub-second precision is not added: the layout stays exactly
 * the article's so tools made for those files read ours; the session and CSV forms keep microseconds.
 */
public final class EtwRowsWriter {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private EtwRowsWriter() {}

    public static void write(List<RecordedEvent> events, Writer out) throws IOException {
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ROOT CREATED_BY=\"Tracegate\">\n");
        for (RecordedEvent e : events) {
            out.write("<ROW>\n");
            element(out, "EventNumber", Long.toString(e.seq()));
            element(out, "EventName", e.provider());
            element(out, "EventTypeName", e.name());
            element(out, "Timestamp", TIMESTAMP.format(e.time()));
            element(out, "UserData", userData(e));
            out.write("</ROW>\n");
        }
        out.write("</ROOT>\n");
    }

    /** {@code ContextId={…}|CommandLine="…"|ErrorCode=0x00000000|ProcessId=3136}. */
    public static String userData(RecordedEvent e) {
        StringBuilder sb = new StringBuilder("ContextId=").append(e.contextId() == null ? "" : e.contextId());
        for (Map.Entry<String, Object> f : e.data().entrySet()) {
            sb.append('|').append(f.getKey()).append('=').append(value(f.getKey(), f.getValue()));
        }
        return sb.toString();
    }

    /** IIS writes a successful launch's ErrorCode as an HRESULT; our errno names (ENOENT) stay as they are. */
    static String value(String key, Object v) {
        if (v == null) return "";
        if (key.equals("ErrorCode") && "0".equals(v.toString())) return "0x00000000";
        return v.toString();
    }

    /** CR, LF and tab as references, so a parser hands header blocks back with their CRLFs and each value stays on one line. */
    private static void element(Writer out, String name, String text) throws IOException {
        out.write('<');
        out.write(name);
        out.write('>');
        out.write(Markup.xmlAttribute(text));
        out.write("</");
        out.write(name);
        out.write(">\n");
    }
}
