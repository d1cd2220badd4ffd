package org.tracegate.text;

import java.util.HexFormat;

/**
 * Escaping for HTML and XML documents, in three forms because the documents need different things:
 * {@link #html} for pages whose text is shown as it is (error pages); {@link #xmlText} and
 * {@link #xmlAttribute} for arbitrary program output, which may hold characters XML 1.0 cannot carry
 * at all. Those are written visibly, as a backslash, x and two hex digits (u and four above U+00FF),
 * rather than dropped or left to break the document; C1 controls too (legal, but invisible and almost
 * always stray bytes). Null is written as nothing.
 */
public final class Markup {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Markup() {}

    /** HTML element content or a quoted attribute value: {@code & < > " '} as references, nothing else changed. */
    public static String html(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!markupCharacter(sb, c)) sb.append(c);
        }
        return sb.toString();
    }

    /**
     * XML element content (also valid HTML): as {@link #html}, plus CR as {@code &#13;} because parsers
     * turn a literal CR into LF (header blocks would lose their CRLFs); LF and tab stay as they are.
     */
    public static StringBuilder xmlText(StringBuilder sb, String s) { return xml(sb, s, false); }

    public static String xmlText(String s) { return xmlText(new StringBuilder(length(s) + 16), s).toString(); }

    /**
     * An XML attribute value in single or double quotes: as {@link #xmlText}, plus LF and tab as
     * references, because attribute-value normalization turns literal ones into spaces. Also right for
     * element content whose every whitespace character must survive a round trip on one line.
     */
    public static StringBuilder xmlAttribute(StringBuilder sb, String s) { return xml(sb, s, true); }

    public static String xmlAttribute(String s) { return xmlAttribute(new StringBuilder(length(s) + 16), s).toString(); }

    private static StringBuilder xml(StringBuilder sb, String s, boolean attribute) {
        if (s == null) return sb;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80 && markupCharacter(sb, (char) cp)) continue;
            switch (cp) {
                case '\r' -> sb.append("&#13;");
                case '\n' -> sb.append(attribute ? "&#10;" : "\n");
                case '\t' -> sb.append(attribute ? "&#9;" : "\t");
                default -> {
                    if (visibleInXml(cp)) sb.appendCodePoint(cp);
                    else if (cp <= 0xFF) sb.append("\\x").append(HEX.toHexDigits((byte) cp));
                    else sb.append("\\u").append(HEX.toHexDigits((short) cp));
                }
            }
        }
        return sb;
    }

    /** Appends the reference for one of the five markup characters; false when {@code c} is not one. */
    private static boolean markupCharacter(StringBuilder sb, char c) {
        switch (c) {
            case '&' -> sb.append("&amp;");
            case '<' -> sb.append("&lt;");
            case '>' -> sb.append("&gt;");
            case '"' -> sb.append("&quot;");
            case '\'' -> sb.append("&#39;");
            default -> { return false; }
        }
        return true;
    }

    /**
     * XML 1.0's Char production (which excludes most C0 controls, lone surrogates and U+FFFE/U+FFFF)
     * less the C1 controls; CR, LF and tab are handled before this is asked.
     */
    private static boolean visibleInXml(int cp) {
        return (cp >= 0x20 && cp < 0x7F) || (cp > 0x9F && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    private static int length(String s) { return s == null ? 0 : s.length(); }
}
