package org.tracegate.config;

import static org.tracegate.config.ConfigLoader.CGI_KEYS;
import static org.tracegate.config.ConfigLoader.ENVIRONMENT_KEYS;
import static org.tracegate.config.ConfigLoader.FRT_KEYS;
import static org.tracegate.config.ConfigLoader.INTERPRETER_KEYS;
import static org.tracegate.config.ConfigLoader.LIMITS_KEYS;
import static org.tracegate.config.ConfigLoader.RESTRICTIONS_KEYS;
import static org.tracegate.config.ConfigLoader.RULE_KEYS;
import static org.tracegate.config.ConfigLoader.TOP_KEYS;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** "Did you mean …?" suggestions and hints for misplaced keys. */
final class KeyHints {
    /** Ordered, so a name found in several tables is hinted the same way every time. */
    private static final Map<String, Set<String>> SECTIONS = sections(
            "", TOP_KEYS, "limits", LIMITS_KEYS, "cgi", CGI_KEYS, "interpreter", INTERPRETER_KEYS,
            "restrictions", RESTRICTIONS_KEYS, "environment", ENVIRONMENT_KEYS, "failedRequestTracing", FRT_KEYS,
            "failedRequestTracing.rule", RULE_KEYS);

    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> sections(Object... kv) {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Set<String>) kv[i + 1]);
        return m;
    }

    private KeyHints() {}

    /** " (did you mean 'x'?)", a hint where the key belongs, or "" when there is nothing useful to say. */
    static String hint(String name, String at, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known.stream().sorted().toList()) {
            int d = distance(name, candidate);
            if (d < bestDistance) { best = candidate; bestDistance = d; }
        }
        int tolerance = name.length() <= 4 ? 1 : name.length() <= 9 ? 2 : 3;
        if (best != null && bestDistance <= tolerance) return " (did you mean '" + best + "'?)";
        if (!at.isEmpty() && TOP_KEYS.contains(name)) {
            return " ('" + name + "' is a top-level key: move it above the first [table] header)";
        }
        List<String> homes = new ArrayList<>();
        for (var section : SECTIONS.entrySet()) {
            String home = section.getKey();
            if (!home.isEmpty() && !at.replaceAll("\\[\\d+]$", "").equals(home) && section.getValue().contains(name)) {
                boolean array = home.equals("cgi") || home.equals("interpreter") || home.endsWith(".rule");
                homes.add(array ? "[[" + home + "]]" : "[" + home + "]");
            }
        }
        return homes.isEmpty() ? "" : " ('" + name + "' belongs in " + String.join(" or ", homes) + ")";
    }

    /**
     * Edit distance, case-insensitive, also comparing with unit suffixes removed ("idleTimeoutMillis" ~
     * "idleTimeoutSeconds"); a prefix of four or more letters counts as 1 ("passAuth" ~ "passAuthorization").
     */
    static int distance(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT), y = b.toLowerCase(Locale.ROOT);
        if (x.length() >= 4 && y.startsWith(x)) return 1; // an abbreviation: "passAuth"
        return Math.min(levenshtein(x, y), levenshtein(stem(x), stem(y)));
    }

    private static String stem(String s) {
        for (String unit : List.of("seconds", "secs", "millis", "ms", "bytes")) {
            if (s.endsWith(unit) && s.length() > unit.length()) return s.substring(0, s.length() - unit.length());
        }
        return s;
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
