package org.tracegate.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A span of status codes with substatus, inclusive at both ends, as a failed-request rule names them:
 * {@code 500-599}, {@code 404}, {@code 404.2}, {@code 401.1-401.3}. A code without a substatus covers all
 * of its substatuses, so {@code 500-599} includes 502.2 and {@code 404} includes 404.2.
 */
public record StatusRange(int fromStatus, int fromSubStatus, int toStatus, int toSubStatus) {
    static final int MAX_SUB = 65_535;

    public StatusRange {
        if (compare(fromStatus, fromSubStatus, toStatus, toSubStatus) > 0) {
            throw new IllegalArgumentException("range " + fromStatus + "." + fromSubStatus + "-" + toStatus + "."
                    + toSubStatus + " ends before it starts");
        }
    }

    public boolean matches(int status, int subStatus) {
        return compare(fromStatus, fromSubStatus, status, subStatus) <= 0
                && compare(status, subStatus, toStatus, toSubStatus) <= 0;
    }

    /**
     * Parses a comma-separated list, e.g. {@code "500-599,404.2"}; blanks around items are ignored.
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static List<StatusRange> parseList(String spec) {
        List<StatusRange> ranges = new ArrayList<>();
        for (String item : spec.split(",", -1)) {
            String s = item.strip();
            if (s.isEmpty()) throw new IllegalArgumentException("empty item in \"" + spec + "\"");
            int dash = s.indexOf('-');
            int[] from = code(dash < 0 ? s : s.substring(0, dash).strip(), false);
            int[] to = dash < 0 ? code(s, true) : code(s.substring(dash + 1).strip(), true);
            try {
                ranges.add(new StatusRange(from[0], from[1], to[0], to[1]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + s + "\": the range ends before it starts");
            }
        }
        return List.copyOf(ranges);
    }

    /** "502" or "502.2" → {status, sub}; a missing substatus is 0 at a range's start and the maximum at its end. */
    private static int[] code(String s, boolean end) {
        String problem = "\"" + s + "\" is not a status code (expected 100-999, optionally with .substatus, e.g. 404.2)";
        if (!s.matches("\\d{3}(\\.\\d{1,5})?")) throw new IllegalArgumentException(problem);
        int dot = s.indexOf('.');
        int status = Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        int sub = dot < 0 ? (end ? MAX_SUB : 0) : Integer.parseInt(s.substring(dot + 1));
        if (status < 100 || sub > MAX_SUB) throw new IllegalArgumentException(problem);
        return new int[] {status, sub};
    }

    private static int compare(int s1, int sub1, int s2, int sub2) {
        return s1 != s2 ? Integer.compare(s1, s2) : Integer.compare(sub1, sub2);
    }

    /** Back in the spec's notation: "500-599", "404", "404.2". */
    @Override
    public String toString() {
        if (fromStatus == toStatus && fromSubStatus == 0 && toSubStatus == MAX_SUB) return String.valueOf(fromStatus);
        String from = fromStatus + (fromSubStatus == 0 ? "" : "." + fromSubStatus);
        String to = toStatus + (toSubStatus == MAX_SUB ? "" : "." + toSubStatus);
        return fromStatus == toStatus && fromSubStatus == toSubStatus ? to : from + "-" + to;
    }
}
