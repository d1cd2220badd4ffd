package org.tracegate.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One failed-request tracing rule (IIS's {@code traceFailedRequests/add}): which requests it covers and
 * when they count as failed, and what the trace file keeps.
 *
 * @param path        glob on the URL path ('*' any run of characters, '?' one); a pattern without '/' is
 *                    matched against the last path segment, so "*.php" and "htmlos.exe" work anywhere
 * @param statusCodes final statuses that fire the rule; empty: status never fires it
 * @param timeTaken   a request running longer than this fires the rule, even while still running; null: never
 * @param verbosity   the least severe level kept in the file; default VERBOSE (everything)
 * @param areas       trace areas kept, from {@link #AREAS}; default all
 */
public record TraceRule(String path, List<StatusRange> statusCodes, Duration timeTaken, TraceVerbosity verbosity,
                        Set<String> areas) {

    /** The area names, as IIS spells them. */
    public static final List<String> AREAS = List.of("General", "CGI", "FastCGI");

    public TraceRule {
        statusCodes = List.copyOf(statusCodes);
        areas = Set.copyOf(areas);
    }

    /** The rule the {@code --trace-failed SPEC} flag adds: every path, these statuses, everything kept. */
    public static TraceRule forStatusCodes(String spec) throws ConfigException {
        try {
            return new TraceRule("*", StatusRange.parseList(spec), null, TraceVerbosity.VERBOSE, Set.copyOf(AREAS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--trace-failed \"" + spec + "\": " + e.getMessage());
        }
    }

    /** The canonical spelling of an area name (case-insensitive), or null when it is not one. */
    public static String area(String name) {
        for (String a : AREAS) if (a.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) return a;
        return null;
    }
}
