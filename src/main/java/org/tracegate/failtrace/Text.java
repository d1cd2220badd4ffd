package org.tracegate.failtrace;

/**
 * Escaping for the XML and HTML files. Program output is arbitrary bytes, so characters XML 1.0 forbids
 * (most C0 controls, lone surrogates, U+FFFE/U+FFFF) and the C1 controls are written visibly as
 * a backslash, x and two hex digits (or u and four for code points above U+00FF) instead of being dropped or breaking the document.
 */
final class Text {
    private Text() {}

    /** Escaped for element content (newlines kept, CR kept as a reference so parsers do not fold it). */
    static StringBuilder text(StringBuilder sb, String s) { return escape(sb, s, false); }

    /** Escaped for a double- or single-quoted attribute value (CR, LF and tab as references). */
    static StringBuilder attr(StringBuilder sb, String s) { return escape(sb, s, true); }

    static String text(String s) { return text(new StringBuilder(s.length() + 16), s).toString(); }

    private static StringBuilder escape(StringBuilder sb, String s, boolean attribute) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                case '\r' -> sb.append("&#13;");
                case '\n' -> sb.append(attribute ? "&#10;" : "\n");
                case '\t' -> sb.append(attribute ? "&#9;" : "\t");
                default -> {
                    if (legal(cp)) sb.appendCodePoint(cp);
                    else if (cp <= 0xFF) sb.append("\\x").append(hex(cp, 2));
                    else sb.append("\\u").append(hex(cp, 4));
                }
            }
        }
        return sb;
    }

    /** XML 1.0's Char production, less the C1 controls (legal, but invisible and usually stray bytes). */
    static boolean legal(int cp) {
        return (cp >= 0x20 && cp < 0x7F) || (cp > 0x9F && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF) || cp == 0x9 || cp == 0xA || cp == 0xD;
    }

    private static String hex(int v, int digits) {
        String h = Integer.toHexString(v).toUpperCase(java.util.Locale.ROOT);
        return "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    /** A JSON string literal. */
    static StringBuilder json(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) || c == '<') sb.append("\\u").append(hex(c, 4));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"');
    }
}
