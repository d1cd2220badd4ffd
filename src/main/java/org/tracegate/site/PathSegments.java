package org.tracegate.site;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The one way a request path's segments are decoded, for every mapping. */
public final class PathSegments {
    private PathSegments() {}

    /**
     * Percent-decodes one path segment exactly once. An encoded '/' or '\', a NUL (raw or encoded), a
     * raw backslash or malformed UTF-8 is refused: each has been used to escape a script directory.
     */
    public static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            if (raw.indexOf('\\') >= 0 || raw.indexOf('\0') >= 0) throw new IllegalArgumentException("backslash or NUL in path");
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) throw new IllegalArgumentException("truncated percent-encoding in path");
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) throw new IllegalArgumentException("invalid percent-encoding in path");
                int b = hi << 4 | lo;
                if (b == '/' || b == '\\' || b == 0) throw new IllegalArgumentException("encoded '/', '\\' or NUL in path");
                out.write(b);
                i += 2;
            } else {
                if (c == '\\' || c == 0) throw new IllegalArgumentException("backslash or NUL in path");
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("path is not valid UTF-8");
        }
    }
}
