package org.tracegate.failtrace;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tracegate.text.Markup;

/**
 * Writes a failed request as IIS writes fr000001.xml: a {@code failedRequest} root with IIS's attributes
 * in IIS's order, then one ETW-style {@code Event} per kept event. Events are added while they fit in the
 * size limit; the first that does not is replaced by LOG_FILE_MAX_SIZE_TRUNCATE and the document is closed.
 */
final class FrebXml {
    static final String FREB_NS = "http://schemas.microsoft.com/win/2006/06/iis/freb";
    static final String EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event";
    static final String TRACE_NS = "http://schemas.microsoft.com/win/2004/08/events/trace";
    static final String PROVIDER_GUID = "{3A2A4E84-4C21-4981-AE10-3FDA0D9B0F83}";
    private static final String FOOTER = "</failedRequest>\n";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** The document and the events it ended up holding (with the truncation marker when there is one). */
    record Rendered(byte[] xml, List<FrebEvent> events, boolean truncated) {}

    private FrebXml() {}

    /**
     * Renders {@code fr} within {@code maxBytes}. The root element and the truncation marker are always
     * written, so a limit smaller than those two is exceeded by them alone.
     */
    static Rendered render(FailedRequest fr, String computer, long maxBytes) {
        StringBuilder sb = new StringBuilder(8192);
        root(sb, fr);
        long size = utf8Length(sb);
        List<FrebEvent> kept = new ArrayList<>(fr.events().size() + 1);
        boolean truncated = false;
        int maxKB = (int) (maxBytes / 1024);
        // Room kept for the marker: its size with the largest count it can carry.
        long reserve = utf8Length(event(new StringBuilder(1024), fr,
                FrebEvent.truncated(Long.MAX_VALUE / 2, maxKB, fr.events().size()), computer)) + FOOTER.length();
        List<FrebEvent> events = bodyFitted(fr, computer, maxBytes - size - reserve);
        for (int i = 0; i < events.size(); i++) {
            StringBuilder ev = event(new StringBuilder(1024), fr, events.get(i), computer);
            long evSize = utf8Length(ev);
            boolean last = i == events.size() - 1;
            if (size + evSize + (last ? FOOTER.length() : reserve) > maxBytes) {
                FrebEvent marker = FrebEvent.truncated(events.get(i).epochMicros(), maxKB, events.size() - i);
                event(sb, fr, marker, computer);
                kept.add(marker);
                truncated = true;
                break;
            }
            sb.append(ev);
            size += evSize;
            kept.add(events.get(i));
        }
        sb.append(FOOTER);
        return new Rendered(sb.toString().getBytes(StandardCharsets.UTF_8), kept, truncated);
    }

    /**
     * The events, with a recorded request body (CGI_REQUEST_BODY) cut so that every event fits in {@code room}: the
     * body is kept for replay, not at the price of the events after it (the program's exit, the status), which the
     * size limit would otherwise replace by LOG_FILE_MAX_SIZE_TRUNCATE. Its TotalBytes and Sha256 stay, so replay
     * knows it has only the first part. When even an empty body does not make room, the usual truncation decides.
     */
    private static List<FrebEvent> bodyFitted(FailedRequest fr, String computer, long room) {
        List<FrebEvent> events = fr.events();
        int body = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).name().equals(org.tracegate.trace.EventNames.CGI_REQUEST_BODY)) body = i;
        }
        if (body < 0) return events;               // the usual case: no second rendering
        long total = 0;
        for (FrebEvent e : events) total += utf8Length(event(new StringBuilder(1024), fr, e, computer));
        if (total <= room) return events;
        FrebEvent b = events.get(body);
        String base64 = String.valueOf(b.fields().get("Base64"));
        long keep = Math.max(0, base64.length() - (total - room));
        keep -= keep % 4;                          // whole base64 groups: 3 bytes each
        if (keep >= base64.length()) return events;
        java.util.Map<String, Object> f = new java.util.LinkedHashMap<>(b.fields());
        f.put("RecordedBytes", keep / 4 * 3);
        f.put("Base64", base64.substring(0, (int) keep));
        List<FrebEvent> fitted = new ArrayList<>(events);
        fitted.set(body, new FrebEvent(b.epochMicros(), b.name(), b.area(), b.level(), f));
        return fitted;
    }

    private static void root(StringBuilder sb, FailedRequest fr) {
        String indent = "\n               ";
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<failedRequest url=\"");
        Markup.xmlAttribute(sb, fr.url()).append('"');
        sb.append(indent).append("siteId=\"").append(fr.siteId()).append('"');
        sb.append(indent).append("appPoolId=\"");
        Markup.xmlAttribute(sb, fr.appPoolId()).append('"');
        sb.append(indent).append("processId=\"").append(fr.processId()).append('"');
        sb.append(indent).append("verb=\"");
        Markup.xmlAttribute(sb, fr.verb()).append('"');
        sb.append(indent).append("authenticationType=\"NOT_AVAILABLE\"");
        sb.append(indent).append("activityId=\"").append(fr.activityId()).append('"');
        sb.append(indent).append("failureReason=\"").append(fr.reason()).append('"');
        sb.append(indent).append("statusCode=\"").append(fr.statusCode()).append('"');
        sb.append(indent).append("triggerStatusCode=\"").append(fr.triggerStatusCode()).append('"');
        sb.append(indent).append("timeTaken=\"").append(fr.timeTakenMillis()).append('"');
        sb.append(indent).append("xmlns:freb=\"").append(FREB_NS).append('"');
        sb.append(indent).append(">\n");
    }

    static StringBuilder event(StringBuilder sb, FailedRequest fr, FrebEvent e, String computer) {
        sb.append("<Event xmlns=\"").append(EVENT_NS).append("\">\n");
        sb.append(" <System>\n");
        sb.append("  <Provider Name=\"WWW Server\" Guid=\"").append(PROVIDER_GUID).append("\"/>\n");
        sb.append("  <EventID>0</EventID>\n");
        sb.append("  <Version>1</Version>\n");
        sb.append("  <Level>").append(e.levelNumber()).append("</Level>\n");
        sb.append("  <Opcode>").append(e.opcode()).append("</Opcode>\n");
        sb.append("  <Keywords>").append(e.keywordsHex()).append("</Keywords>\n");
        sb.append("  <TimeCreated SystemTime=\"").append(systemTime(e.epochMicros())).append("\"/>\n");
        sb.append("  <Correlation ActivityID=\"").append(fr.activityId()).append("\"/>\n");
        sb.append("  <Execution ProcessID=\"").append(fr.processId()).append("\" ThreadID=\"0\"/>\n");
        sb.append("  <Computer>");
        Markup.xmlText(sb, computer).append("</Computer>\n");
        sb.append(" </System>\n");
        sb.append(" <EventData>\n");
        sb.append("  <Data Name=\"ContextId\">").append(fr.activityId()).append("</Data>\n");
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            sb.append("  <Data Name=\"");
            Markup.xmlAttribute(sb, f.getKey()).append("\">");
            Markup.xmlText(sb, String.valueOf(f.getValue() == null ? "" : f.getValue())).append("</Data>\n");
        }
        sb.append(" </EventData>\n");
        sb.append(" <RenderingInfo Culture=\"en-US\">\n");
        sb.append("  <Opcode>").append(e.name()).append("</Opcode>\n");
        if (e.keyword() != null) {
            sb.append("  <Keywords>\n   <Keyword>").append(e.keyword()).append("</Keyword>\n  </Keywords>\n");
        }
        for (Map.Entry<String, String> d : e.descriptions().entrySet()) {
            sb.append("  <freb:Description Data=\"");
            Markup.xmlAttribute(sb, d.getKey()).append("\">");
            Markup.xmlText(sb, d.getValue()).append("</freb:Description>\n");
        }
        sb.append(" </RenderingInfo>\n");
        sb.append(" <ExtendedTracingInfo xmlns=\"").append(TRACE_NS).append("\">\n");
        sb.append("  <EventGuid>").append(e.eventGuid()).append("</EventGuid>\n");
        sb.append(" </ExtendedTracingInfo>\n");
        sb.append("</Event>\n");
        return sb;
    }

    static String systemTime(long epochMicros) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
                Math.floorMod(epochMicros, 1_000_000L) * 1000));
    }

    /** UTF-8 length without encoding. */
    static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }
}
