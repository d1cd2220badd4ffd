package org.tracegate.traceformats;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.tracegate.text.PathGlob;
import org.tracegate.trace.Area;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceRecord;

/**
 * Which requests and areas a session records.
 *
 * <p>The URL glob ({@link PathGlob}, the deny rules' syntax) is matched against the path of the request's
 * GENERAL_REQUEST_START RequestURL (no scheme, host or query). A null glob matches every request.
 */
public final class SessionFilter {
    private final String urlGlob;
    private final Set<Area> areas;
    /** Compiled once: it is matched for every request while a filtered session records. */
    private final Pattern url;

    /**
     * @param urlGlob e.g. {@code /cgi-bin/**}, or null for all
     * @param areas   the areas whose events are kept (IIS's trace areas), never empty
     */
    public SessionFilter(String urlGlob, Set<Area> areas) {
        if (areas == null || areas.isEmpty()) throw new IllegalArgumentException("a session needs at least one area");
        this.urlGlob = urlGlob;
        this.areas = Set.copyOf(areas);
        this.url = urlGlob == null ? null : PathGlob.compile(urlGlob);
    }

    public String urlGlob() { return urlGlob; }

    public Set<Area> areas() { return areas; }

    /** Every request, every area. */
    public static SessionFilter all() {
        return new SessionFilter(null, EnumSet.allOf(Area.class));
    }

    public boolean keeps(Area area) {
        return areas.contains(area);
    }

    /** Whether the request whose records these are is recorded (by its GENERAL_REQUEST_START). */
    public boolean keepsRequest(List<TraceRecord> records) {
        if (urlGlob == null) return true;
        for (TraceRecord r : records) {
            if (r.event() instanceof TraceEvent.GeneralRequestStart s) return matchesUrl(s.requestUrl());
        }
        return false; // no start: nothing to match the glob against
    }

    public boolean matchesUrl(String requestUrl) {
        if (urlGlob == null) return true;
        return url.matcher(pathOf(requestUrl)).matches();
    }

    static String pathOf(String requestUrl) {
        try {
            String p = URI.create(requestUrl).getRawPath();
            if (p != null) return p.isEmpty() ? "/" : p;
        } catch (IllegalArgumentException e) {
            // fall through to the crude cut: IIS URLs are not always valid URIs
        }
        return cutToPath(requestUrl);
    }

    /** The URL without scheme, host and query, by plain string cuts (no URI parsing, so it never fails). */
    public static String cutToPath(String url) {
        String s = url;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            int slash = s.indexOf('/', scheme + 3);
            s = slash < 0 ? "/" : s.substring(slash);
        }
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }
}
