package org.tracegate.traceformats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracegate.trace.Area;

/**
 * The session file format: JSON Lines, UTF-8, one object per line, written by {@link SessionWriter}.
 *
 * <pre>
 * {"format":"tracegate-session","version":1,"started":"2026-11-23T21:00:00.000001Z","filter":{"url":"/cgi-bin/**","areas":["General","CGI"]},"maxBytes":104857600}
 * {"seq":1,"time":"2026-11-23T21:00:00.123456Z","contextId":"{guid}","provider":"IISCGI","event":"CGI_LAUNCH","level":"Information","area":"CGI","data":{"CommandLine":"\"/srv/cgi-bin/x\"","ErrorCode":"0","ProcessId":3136}}
 * ...
 * {"end":"2026-11-23T21:05:00.000000Z","events":N,"dropped":M,"truncated":false}
 * </pre>
 *
 * The header comes first so a reader knows what it holds before any event; {@code data} keeps the
 * event's fields in IIS's order with their JSON types; the end line is absent when the server died,
 * and its absence is how a reader tells a crash from a stop. {@code time} always has six fractional
 * digits so lines sort and diff as text.
 */
public final class SessionFormat {
    public static final String FORMAT = "tracegate-session";
    public static final int VERSION = 1;

    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private SessionFormat() {}

    public static String time(Instant t) {
        return MICROS.format(t);
    }

    public static String headerLine(Instant started, SessionFilter filter, long maxBytes) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("url", filter.urlGlob());
        List<String> areas = new ArrayList<>();
        for (Area a : Area.values()) if (filter.keeps(a)) areas.add(RecordedEvent.areaName(a));
        f.put("areas", areas);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("started", time(started));
        m.put("filter", f);
        m.put("maxBytes", maxBytes);
        return write(m);
    }

    public static String eventLine(RecordedEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("time", time(e.time()));
        m.put("contextId", e.contextId());
        m.put("provider", e.provider());
        m.put("event", e.name());
        m.put("level", e.level());
        m.put("area", e.area());
        m.put("data", e.data());
        return write(m);
    }

    public static String endLine(Instant end, long events, long dropped, boolean truncated) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("end", time(end));
        m.put("events", events);
        m.put("dropped", dropped);
        m.put("truncated", truncated);
        return write(m);
    }

    /** An event line back into an event; throws on anything that is not one. */
    static RecordedEvent parseEvent(JsonNode n) {
        if (!n.hasNonNull("event") || !n.hasNonNull("time")) throw new IllegalArgumentException("not an event line");
        Map<String, Object> data = new LinkedHashMap<>();
        JsonNode d = n.path("data");
        for (Map.Entry<String, JsonNode> f : d.properties()) data.put(f.getKey(), value(f.getValue()));
        return new RecordedEvent(n.path("seq").asLong(), Instant.parse(n.get("time").asText()),
                n.path("contextId").asText(null), n.path("provider").asText(""), n.get("event").asText(),
                n.path("level").asText(""), data);
    }

    private static Object value(JsonNode v) {
        if (v.isNull() || v.isMissingNode()) return null;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isIntegralNumber()) return v.longValue();
        if (v.isNumber()) return v.doubleValue();
        if (v.isTextual()) return v.textValue();
        return v.toString();
    }

    private static String write(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a session line", e); // maps of plain values always encode
        }
    }
}
