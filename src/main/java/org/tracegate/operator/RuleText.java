package org.tracegate.operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.tracegate.config.StatusRange;
import org.tracegate.config.TraceRule;
import org.tracegate.config.TraceVerbosity;

/**
 * Failed-request rules as the dashboard's form writes them, one per line, the config file's keys in order:
 * {@code PATH STATUS_CODES [timeTaken=SECONDS] [verbosity=NAME]}, e.g. {@code /cgi-bin/* 500-599,404.2} or
 * {@code * - timeTaken=5} (a dash: no status codes). Blank lines and {@code #} comments are skipped.
 */
final class RuleText {
    private RuleText() {}

    static String format(List<TraceRule> rules) {
        StringBuilder sb = new StringBuilder();
        for (TraceRule r : rules) sb.append(format(r)).append('\n');
        return sb.toString();
    }

    static String format(TraceRule r) {
        String codes = r.statusCodes().isEmpty() ? "-"
                : r.statusCodes().stream().map(StatusRange::toString).collect(Collectors.joining(","));
        return r.path() + " " + codes + (r.timeTaken() == null ? "" : " timeTaken=" + r.timeTaken().toSeconds())
                + (r.verbosity() == TraceVerbosity.VERBOSE ? "" : " verbosity=" + r.verbosity().name());
    }

    /** @throws IllegalArgumentException naming the line and what is wrong with it */
    static List<TraceRule> parse(String text) {
        List<TraceRule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            try {
                rules.add(parseLine(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " (\"" + line + "\"): " + e.getMessage());
            }
        }
        return rules;
    }

    private static TraceRule parseLine(String line) {
        String[] parts = line.split("\\s+");
        if (parts.length < 2) throw new IllegalArgumentException("expected PATH STATUS_CODES, e.g. \"* 500-599\"");
        List<StatusRange> codes = parts[1].equals("-") ? List.of() : StatusRange.parseList(parts[1]);
        Duration time = null;
        TraceVerbosity verbosity = TraceVerbosity.VERBOSE;
        for (int k = 2; k < parts.length; k++) {
            String p = parts[k];
            if (p.startsWith("timeTaken=")) {
                try {
                    long s = Long.parseLong(p.substring(10));
                    if (s < 0) throw new NumberFormatException();
                    time = Duration.ofSeconds(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("timeTaken takes whole seconds ≥ 0, got \"" + p.substring(10) + "\"");
                }
            } else if (p.startsWith("verbosity=")) {
                verbosity = TraceVerbosity.parse(p.substring(10));
                if (verbosity == null) throw new IllegalArgumentException("unknown verbosity \"" + p.substring(10) + "\"");
            } else {
                throw new IllegalArgumentException("unknown part \"" + p + "\" (timeTaken=SECONDS or verbosity=NAME)");
            }
        }
        if (codes.isEmpty() && time == null) throw new IllegalArgumentException("give status codes or timeTaken");
        return new TraceRule(parts[0], codes, time, verbosity, Set.copyOf(TraceRule.AREAS));
    }
}
