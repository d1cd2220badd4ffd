package org.tracegate.text;

import java.util.regex.Pattern;

/**
 * The one glob over URL paths that mappings' deny rules and trace sessions' filters share: {@code *} and {@code ?}
 * within one segment, {@code **} across segments, and {@code **}{@code /} also matching no directory at all (so
 * {@code /a/**}{@code /b} matches {@code /a/b}), as shells with globstar and .gitignore do. FREB rules keep IIS's own
 * {@code path} syntax instead (docs/diagnostics.md).
 */
public final class PathGlob {
    private PathGlob() {}

    /** The glob as a regular expression matching a whole path. */
    public static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 2 < glob.length() && glob.charAt(i + 1) == '*' && glob.charAt(i + 2) == '/') {
                re.append("(?:.*/)?");
                i += 2;
            } else if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                re.append(".*");
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
