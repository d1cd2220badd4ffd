package org.tracegate.failtrace;

import static org.tracegate.trace.EventNames.*;

import java.util.LinkedHashMap;
import java.util.Map;

import org.tracegate.process.Errno;
import org.tracegate.process.Signals;
import org.tracegate.trace.Area;
import org.tracegate.trace.Level;
import org.tracegate.trace.TraceRecord;

/**
 * One event as a trace file shows it: a trace record, or an event only trace files have
 * (LOG_FILE_MAX_SIZE_TRUNCATE). Also the IIS rendering facts: opcode, keyword, event GUID, descriptions.
 */
record FrebEvent(long epochMicros, String name, Area area, Level level, Map<String, Object> fields) {

    static final String TRUNCATE = "LOG_FILE_MAX_SIZE_TRUNCATE";

    // IIS's area/event GUIDs where IIS has them (General, RequestNotifications; CGI from IIS 6's CgiEventGuid).
    private static final String GENERAL_GUID = "{D42CF7EF-DE92-473E-8B6C-621EA663113A}";
    private static final String NOTIFICATIONS_GUID = "{002E91E3-E7AE-44AB-8E07-99230FFA6ADE}";
    private static final String CGI_GUID = "{E2E55403-0D2E-4609-A470-BE0DA04013C0}";
    private static final String FASTCGI_GUID =
            "{" + java.util.UUID.nameUUIDFromBytes("Tracegate IISFastCGI".getBytes()).toString().toUpperCase() + "}";

    /** Opcodes within their area: IIS's for the general events, Tracegate's own numbering for the rest. */
    private static final Map<String, Integer> OPCODES = Map.ofEntries(
            Map.entry(GENERAL_REQUEST_START, 1), Map.entry(GENERAL_REQUEST_END, 2),
            Map.entry(GENERAL_REQUEST_HEADERS, 50), Map.entry(GENERAL_RESPONSE_HEADERS, 51),
            Map.entry(GENERAL_RESPONSE_ENTITY_BUFFER, 52), Map.entry(HANDLER_CHANGED, 37),
            Map.entry(TRUNCATE, 60), Map.entry(MODULE_SET_RESPONSE_ERROR_STATUS, 16),
            Map.entry(CGI_LAUNCH, 1), Map.entry(CGI_REQUEST_ENTITY_SENT, 2), Map.entry(CGI_HEADERS_RECEIVED, 3),
            Map.entry(CGI_STDERR, 4), Map.entry(CGI_TIMEOUT, 5), Map.entry(CGI_PREMATURE_TERMINATION, 6),
            Map.entry(CGI_INVALID_HEADERS, 7), Map.entry(CGI_EXIT, 8), Map.entry(CGI_RESPONSE_ABORTED, 9),
            Map.entry(CGI_CRASH_DUMP, 10), Map.entry(CGI_REQUEST_BODY, 11));

    static FrebEvent of(TraceRecord r) {
        return new FrebEvent(r.epochMicros(), r.event().name(), r.event().area(), r.event().level(), r.event().fields());
    }

    /** IIS's marker that the file reached its size limit; the events after it were left out. */
    static FrebEvent truncated(long epochMicros, int maxFileSizeKB, int eventsLeftOut) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("MaxFileSizeKB", maxFileSizeKB);
        f.put("EventsLeftOut", eventsLeftOut);
        return new FrebEvent(epochMicros, TRUNCATE, Area.GENERAL, Level.WARNING, f);
    }

    /** IIS's numeric level: 1 CriticalError … 5 Verbose. */
    int levelNumber() { return level.ordinal() + 1; }

    String levelName() { return level.iisName(); }

    int opcode() { return OPCODES.getOrDefault(name, 0); }

    /** The keyword (IIS area) name, or null for the general events, which IIS gives none. */
    String keyword() {
        if (name.startsWith("MODULE_")) return "RequestNotifications";
        return switch (area) {
            case GENERAL -> null;
            case CGI -> "CGI";
            case FASTCGI -> "FastCGI";
        };
    }

    /** The keyword bit as IIS's WWW Server provider defines its areas. */
    String keywordsHex() {
        String k = keyword();
        int bits = k == null ? 0 : switch (k) {
            case "RequestNotifications" -> 0x100;
            case "CGI" -> 0x20;
            default -> 0x1000;
        };
        return "0x" + Integer.toHexString(bits).toUpperCase();
    }

    String eventGuid() {
        if (name.startsWith("MODULE_")) return NOTIFICATIONS_GUID;
        return switch (area) {
            case GENERAL -> GENERAL_GUID;
            case CGI -> CGI_GUID;
            case FASTCGI -> FASTCGI_GUID;
        };
    }

    /** freb:Description entries: readable words for coded values (errno names, signals). */
    Map<String, String> descriptions() {
        Map<String, String> d = new LinkedHashMap<>(2);
        String error = Errno.description(field("ErrorCode"));
        if (error != null) d.put("ErrorCode", error);
        String signal = Signals.description(field("Signal"));
        if (signal != null) d.put("Signal", signal);
        return d;
    }

    String field(String key) {
        Object v = fields.get(key);
        return v == null ? null : v.toString();
    }
}
