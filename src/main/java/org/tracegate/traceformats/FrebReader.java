package org.tracegate.traceformats;

import static org.tracegate.trace.EventNames.*;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracegate.traceformats.RecordedEvent;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * IIS failed-request trace files ({@code fr000001.xml}): a {@code <failedRequest url= verb=
 * statusCode="502.2" activityId= timeTaken= …>} root holding {@code <Event>}s in the Windows event
 * schema — {@code System/TimeCreated@SystemTime}, {@code System/Correlation@ActivityID}, {@code
 * System/Level} (1–5), {@code EventData/Data@Name}, and the event name in {@code RenderingInfo/Opcode}.
 * When a file lacks GENERAL_REQUEST_START or _END (trimmed by hand, or a buffer limit), they are
 * made from the root's attributes so the request still has a verb, URL and status.
 */
final class FrebReader {
    private FrebReader() {}

    static TraceFile read(Path file, String text) throws IOException {
        Document doc;
        try {
            doc = Xml.parse(text);
        } catch (SAXException e) {
            throw new IOException(file + ": not well-formed XML: " + e.getMessage());
        }
        Element root = doc.getDocumentElement();
        if (!Xml.local(root).equals("failedRequest")) throw new IOException(file + ": root is not <failedRequest>");
        String rootActivity = Xml.attr(root, "activityId");
        List<String> notes = new ArrayList<>();
        List<RecordedEvent> events = new ArrayList<>();
        long seq = 0;
        for (Element ev : Xml.children(root, "Event")) {
            seq++;
            try {
                events.add(event(ev, seq, rootActivity));
            } catch (RuntimeException e) {
                notes.add("event " + seq + " skipped: " + e.getMessage());
            }
        }
        String context = !events.isEmpty() && events.getFirst().contextId() != null ? events.getFirst().contextId()
                : rootActivity == null ? "{" + file.getFileName() + "}" : rootActivity;
        Instant first = events.isEmpty() ? Instant.EPOCH : events.getFirst().time();
        Instant last = events.isEmpty() ? Instant.EPOCH : events.getLast().time();
        if (events.stream().noneMatch(e -> e.name().equals(GENERAL_REQUEST_START))) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("RequestURL", Xml.attr(root, "url"));
            d.put("RequestVerb", Xml.attr(root, "verb"));
            events.addFirst(new RecordedEvent(0, first, context, "IISGeneral", GENERAL_REQUEST_START, "Information", d));
            notes.add("no GENERAL_REQUEST_START event; verb and URL taken from <failedRequest>");
        }
        if (events.stream().noneMatch(e -> e.name().equals(GENERAL_REQUEST_END))) {
            String[] status = String.valueOf(Xml.attr(root, "statusCode")).split("\\.", 2);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("HttpStatus", number(status[0]));
            d.put("HttpSubStatus", status.length > 1 ? number(status[1]) : number(Xml.attr(root, "subStatusCode")));
            d.put("Win32Status", number(Xml.attr(root, "win32Status")));
            d.put("TimeTaken", number(Xml.attr(root, "timeTaken")));
            events.addLast(new RecordedEvent(seq + 1, last, context, "IISGeneral", GENERAL_REQUEST_END, "Information", d));
            notes.add("no GENERAL_REQUEST_END event; status taken from <failedRequest statusCode=\""
                    + Xml.attr(root, "statusCode") + "\">");
        }
        // A FREB file exists because a rule chose its request (statusCodes="404" is a common one): 4xx counts.
        return new TraceFile(file, "freb", events, 400, notes);
    }

    private static RecordedEvent event(Element ev, long seq, String rootActivity) {
        Element system = Xml.child(ev, "System");
        Element rendering = Xml.child(ev, "RenderingInfo");
        String name = Xml.text(rendering, "Opcode");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("no RenderingInfo/Opcode");
        name = name.strip();
        String when = Xml.attr(Xml.child(system, "TimeCreated"), "SystemTime");
        Instant time;
        try {
            time = Instant.parse(when);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("unreadable TimeCreated SystemTime \"" + when + "\"");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (Element d : Xml.children(Xml.child(ev, "EventData"), "Data")) {
            String value = d.getTextContent();
            Object typed = value.matches("-?(0|[1-9][0-9]{0,17})") ? (Object) Long.parseLong(value) : value;
            data.put(d.getAttribute("Name"), typed);
        }
        Object context = data.remove("ContextId");
        String activity = Xml.attr(Xml.child(system, "Correlation"), "ActivityID");
        String contextId = context != null ? context.toString() : activity != null ? activity : rootActivity;
        return new RecordedEvent(seq, time, contextId, provider(Xml.attr(Xml.child(system, "Provider"), "Name"), name),
                name, level(Xml.text(system, "Level"), Xml.text(rendering, "Level")), data);
    }

    /** FREB says "WWW Server" for every area; IIS's area shows in the event name's prefix. */
    private static String provider(String frebProvider, String eventName) {
        if (eventName.startsWith("FASTCGI_")) return "IISFastCGI";
        if (eventName.startsWith("CGI_")) return "IISCGI";
        if (frebProvider == null || frebProvider.equals("WWW Server")) return "IISGeneral";
        return frebProvider;
    }

    private static String level(String number, String rendered) {
        return switch (number == null ? "" : number.strip()) {
            case "1" -> "CriticalError";
            case "2" -> "Error";
            case "3" -> "Warning";
            case "4" -> "Information";
            case "5" -> "Verbose";
            default -> rendered == null ? "" : rendered.strip();
        };
    }

    private static Object number(String s) {
        if (s == null) return null;
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return s;
        }
    }
}
