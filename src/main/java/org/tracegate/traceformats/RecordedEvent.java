package org.tracegate.traceformats;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tracegate.trace.Area;
import org.tracegate.trace.TraceRecord;

/**
 * One event as a file holds it, whatever the file's format (session, IIS ETW rows, FREB, W3C). Kept
 * untyped (names and a field map) rather than as a {@code TraceEvent}, because IIS files hold events
 * and fields our vocabulary does not know, and the analyzer must still show them.
 *
 * @param seq      the event's number in its file (the seed's EventNumber), 1-based
 * @param time     when; second resolution for IIS ETW rows, microseconds for sessions
 * @param provider IIS's provider name, e.g. "IISCGI"
 * @param name     IIS's event name, e.g. "CGI_LAUNCH"
 * @param level    IIS's level name, e.g. "Information"
 * @param data     the event's fields in order; values are String, Long/Integer, Boolean or null
 */
public record RecordedEvent(long seq, Instant time, String contextId, String provider, String name, String level,
                            Map<String, Object> data) {

    public RecordedEvent {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static RecordedEvent of(long seq, TraceRecord r) {
        long micros = r.epochMicros();
        Instant time = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        return new RecordedEvent(seq, time, r.context().contextId(), r.event().area().providerName(), r.event().name(),
                r.event().level().iisName(), r.event().fields());
    }

    /** "General", "CGI", "FastCGI": the provider name without IIS's prefix (the filter's spelling). */
    public String area() {
        return provider.startsWith("IIS") ? provider.substring(3) : provider;
    }

    public static String areaName(Area area) {
        return area.providerName().substring(3);
    }

    /** A field as text, or null when absent. */
    public String text(String key) {
        Object v = data.get(key);
        return v == null ? null : v.toString();
    }

    /** A field as a number (decimal or IIS's 0x hex), or -1 when absent or not a number. */
    public long number(String key) {
        Object v = data.get(key);
        if (v instanceof Number n) return n.longValue();
        if (v == null) return -1;
        String s = v.toString().trim();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseUnsignedLong(s.substring(2), 16);
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * A true/false field: a Boolean in a live trace, the text "true" (any case) in one read back from a file, where
     * every value is text.
     */
    public boolean flag(String key) {
        Object v = data.get(key);
        return v instanceof Boolean b ? b : v != null && v.toString().trim().equalsIgnoreCase("true");
    }

    public RecordedEvent withSeq(long newSeq) {
        return new RecordedEvent(newSeq, time, contextId, provider, name, level, data);
    }
}
