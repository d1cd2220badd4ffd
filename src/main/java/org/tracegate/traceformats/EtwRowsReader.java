package org.tracegate.traceformats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tracegate.traceformats.RecordedEvent;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * IIS ETW traces converted to XML rows (Log Parser's {@code -i:ETW -o:XML} layout, as in the 502.2
 * support article): {@code <ROW>} elements with EventNumber, EventName (provider), EventTypeName,
 * Timestamp ({@code yyyy-MM-dd HH:mm:ss}, read as UTC) and UserData ({@code Key=Value|Key=Value}).
 * A fragment of rows without a root element — what people paste from an article or an email — is
 * wrapped in one.
 */
final class EtwRowsReader {
    /** A '|' only separates fields when a {@code Name=} follows; values (URLs, headers) may contain '|'. */
    private static final Pattern FIELD_SEPARATOR = Pattern.compile("\\|(?=[A-Za-z_][A-Za-z0-9_]*=)");
    private static final Pattern LONG = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS][.SSS]");

    private EtwRowsReader() {}

    static TraceFile read(Path file, String text) throws IOException {
        List<String> notes = new ArrayList<>();
        Document doc;
        try {
            doc = Xml.parse(text);
        } catch (SAXException whole) {
            String body = text.replaceFirst("^\\s*<\\?xml[^>]*\\?>", "");
            try {
                doc = Xml.parse("<ROOT>" + body + "</ROOT>");
                notes.add("rows without a root element (a fragment); read as if wrapped in <ROOT>");
            } catch (SAXException e) {
                throw new IOException(file + ": not well-formed XML: " + whole.getMessage());
            }
        }
        List<RecordedEvent> events = new ArrayList<>();
        long n = 0;
        for (Element row : Xml.all(doc.getDocumentElement(), "ROW")) {
            n++;
            try {
                events.add(row(row, n));
            } catch (RuntimeException e) {
                notes.add("row " + n + " skipped: " + e.getMessage());
            }
        }
        if (events.isEmpty()) throw new IOException(file + ": no readable <ROW> elements");
        return new TraceFile(file, "etw-rows", events, 500, notes);
    }

    private static RecordedEvent row(Element row, long ordinal) {
        String number = trimmed(Xml.text(row, "EventNumber"));
        String provider = trimmed(Xml.text(row, "EventName"));
        String name = trimmed(Xml.text(row, "EventTypeName"));
        String stamp = trimmed(Xml.text(row, "Timestamp"));
        if (name == null || stamp == null) throw new IllegalArgumentException("no EventTypeName or Timestamp");
        Instant time;
        try {
            time = LocalDateTime.parse(stamp, TIMESTAMP).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("unreadable Timestamp \"" + stamp + "\"");
        }
        Map<String, Object> data = userData(trimmed(Xml.text(row, "UserData")));
        Object context = data.remove("ContextId");
        long seq = number != null && LONG.matcher(number).matches() ? Long.parseLong(number) : ordinal;
        return new RecordedEvent(seq, time, context == null ? null : context.toString(),
                provider == null ? "" : provider, name, "", data);
    }

    /** {@code ContextId={…}|CommandLine="…" |ErrorCode=0x00000000|ProcessId=3136} into ordered fields. */
    static Map<String, Object> userData(String userData) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (userData == null || userData.isEmpty()) return data;
        for (String part : FIELD_SEPARATOR.split(userData, -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) continue;
            String value = part.substring(eq + 1);
            data.put(part.substring(0, eq), LONG.matcher(value).matches() ? (Object) Long.parseLong(value) : value);
        }
        return data;
    }

    private static String trimmed(String s) {
        return s == null ? null : s.strip();
    }
}
