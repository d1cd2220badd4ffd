package org.tracegate.text;

/**
 * Octet strings (one char per byte, 0–255, as CGI environments are held) written as printable ASCII and read back
 * exactly: a backslash becomes {@code \\}, every byte outside 0x20–0x7E becomes {@code \xNN}. Unlike
 * {@link ByteQuote} (for reading) and {@link LogText} (for one log line) this is reversible, so a recorded
 * environment survives every trace format (XML, JSON, CSV) byte for byte, and a line break never appears in it,
 * which lets a list of variables be one value per line.
 */
public final class OctetText {
    private OctetText() {}

    public static String encode(String octets) {
        StringBuilder sb = new StringBuilder(octets.length() + 8);
        for (int i = 0, n = octets.length(); i < n; i++) {
            char c = octets.charAt(i);
            if (c == '\\') sb.append("\\\\");
            else if (c >= 0x20 && c < 0x7f) sb.append(c);
            else sb.append(String.format("\\x%02x", c & 0xff));
        }
        return sb.toString();
    }

    /** The octet string {@link #encode} was given; an escape it cannot have written is kept as it stands. */
    public static String decode(String text) {
        if (text.indexOf('\\') < 0) return text;
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < n && text.charAt(i + 1) == '\\') {
                sb.append('\\');
                i++;
            } else if (c == '\\' && i + 3 < n && text.charAt(i + 1) == 'x' && hex(text.charAt(i + 2)) >= 0
                    && hex(text.charAt(i + 3)) >= 0) {
                sb.append((char) (hex(text.charAt(i + 2)) * 16 + hex(text.charAt(i + 3))));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
