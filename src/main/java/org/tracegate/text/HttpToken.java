package org.tracegate.text;

/**
 * RFC 9110 §5.6.2 tokens: header names, methods, auth schemes. {@code tchar} is {@code !#$%&'*+-.^_`|~},
 * digits and ASCII letters; nothing else, so no control, space, separator or non-ASCII character.
 */
public final class HttpToken {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (int c = '0'; c <= '9'; c++) TCHAR[c] = true;
        for (int c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
        for (int c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
    }

    private HttpToken() {}

    /** A table lookup, cheap enough for the per-byte loop of a header parser ({@code (char) (b & 0xff)}). */
    public static boolean isTchar(char c) { return c < 128 && TCHAR[c]; }

    /** One or more tchars and nothing else. */
    public static boolean isToken(CharSequence s) {
        if (s == null || s.isEmpty()) return false;
        for (int i = 0, n = s.length(); i < n; i++) {
            if (!isTchar(s.charAt(i))) return false;
        }
        return true;
    }
}
