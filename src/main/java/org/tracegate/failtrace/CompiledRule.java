package org.tracegate.failtrace;

import java.util.EnumSet;
import java.util.Set;

import org.tracegate.config.StatusRange;
import org.tracegate.config.TraceRule;
import org.tracegate.config.TraceVerbosity;
import org.tracegate.trace.Area;
import org.tracegate.trace.Level;
import org.tracegate.trace.TraceEvent;

/** A {@link TraceRule} ready for the request path: matching allocates nothing. */
final class CompiledRule {
    final TraceRule rule;
    private final String glob;
    /** A glob with '/' matches the whole path, one without matches the last segment. */
    private final boolean wholePath;
    private final StatusRange[] ranges;
    /** -1: no time rule. */
    final long timeTakenMillis;
    final Level minLevel;
    private final Set<Area> areas;

    CompiledRule(TraceRule rule) {
        this.rule = rule;
        this.glob = rule.path();
        this.wholePath = glob.indexOf('/') >= 0;
        this.ranges = rule.statusCodes().toArray(StatusRange[]::new);
        this.timeTakenMillis = rule.timeTaken() == null ? -1 : Math.max(0, rule.timeTaken().toMillis());
        this.minLevel = level(rule.verbosity());
        EnumSet<Area> a = EnumSet.noneOf(Area.class);
        for (String name : rule.areas()) a.add(area(name));
        this.areas = a;
    }

    boolean pathMatches(String url) {
        int start = UrlPath.start(url);
        int end = UrlPath.end(url);
        if (!wholePath) start = Math.max(start, url.lastIndexOf('/', end - 1) + 1);
        return glob(glob, url, start, end);
    }

    boolean statusMatches(int status, int subStatus) {
        for (StatusRange r : ranges) if (r.matches(status, subStatus)) return true;
        return false;
    }

    boolean timeMatches(long elapsedMillis) { return timeTakenMillis >= 0 && elapsedMillis > timeTakenMillis; }

    boolean keeps(TraceEvent e) { return e.level().compareTo(minLevel) <= 0 && areas.contains(e.area()); }

    static Level level(TraceVerbosity v) {
        return switch (v) {
            case CRITICAL_ERROR -> Level.CRITICAL_ERROR;
            case ERROR -> Level.ERROR;
            case WARNING -> Level.WARNING;
            case INFORMATION -> Level.INFORMATION;
            case VERBOSE -> Level.VERBOSE;
        };
    }

    /** The config's area names (config cannot see the trace package) mapped to trace areas. */
    static Area area(String name) {
        return switch (name) {
            case "General" -> Area.GENERAL;
            case "CGI" -> Area.CGI;
            case "FastCGI" -> Area.FASTCGI;
            default -> throw new IllegalArgumentException("unknown trace area: " + name);
        };
    }

    /** '*' any run, '?' one character, everything else literal; matches s[from, to) entirely. */
    static boolean glob(String p, String s, int from, int to) {
        int pi = 0, si = from, star = -1, mark = from;
        while (si < to) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') pi++;
        return pi == p.length();
    }
}
