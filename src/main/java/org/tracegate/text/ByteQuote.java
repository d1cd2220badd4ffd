package org.tracegate.text;

/** Quotes arbitrary bytes for an operator: printable ASCII as is, everything else escaped, bounded. */
public final class ByteQuote {
    private ByteQuote() {}

    /**
     * Returns {@code "..."} with \r \n \t \\ \" and \xNN escapes; at most {@code max} input bytes are shown,
     * followed by "…(+N bytes)" when cut.
     */
    public static String quote(byte[] bytes, int max) {
        return quote(bytes, 0, bytes.length, max);
    }

    public static String quote(byte[] bytes, int off, int len, int max) {
        StringBuilder sb = new StringBuilder(Math.min(len, max) + 16).append('"');
        int shown = Math.min(len, max);
        for (int i = off; i < off + shown; i++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (b >= 0x20 && b < 0x7f) sb.append((char) b);
                    else sb.append(String.format("\\x%02x", b));
                }
            }
        }
        sb.append('"');
        if (len > shown) sb.append("…(+").append(len - shown).append(" bytes)");
        return sb.toString();
    }
}
