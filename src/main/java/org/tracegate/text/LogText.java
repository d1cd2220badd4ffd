package org.tracegate.text;

/**
 * Text from a program, made safe for one line of a log: C0 controls other than TAB, DEL and C1 controls
 * become {@code \xNN} (CR as {@code \r}), and a backslash becomes {@code \\}, so a program can neither forge a
 * line (a CR or LF of its own) nor hide one (ESC sequences that move a terminal's cursor), and an escape in
 * the log always means the program sent that byte.
 */
public final class LogText {
    private LogText() {}

    public static String escape(String s) {
        int i = 0, n = s.length();
        while (i < n && plain(s.charAt(i))) i++;
        if (i == n) return s;
        StringBuilder sb = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (plain(c)) sb.append(c);
            else if (c == '\\') sb.append("\\\\");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\n') sb.append("\\n");
            else sb.append(String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }

    private static boolean plain(char c) {
        return c == '\t' || (c >= 0x20 && c < 0x7f && c != '\\') || c > 0x9f;
    }
}
