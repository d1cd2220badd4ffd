package org.tracegate.gateway.cgi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The status line a non-parsed-header program writes first (RFC 3875 §5, RFC 9112 §4).
 *
 * @param version "HTTP/1.0" or "HTTP/1.1"
 * @param status  100–599
 * @param reason  the reason phrase, "" when absent (never null)
 */
public record NphStatusLine(String version, int status, String reason) {

    public NphStatusLine {
        if (!"HTTP/1.0".equals(version) && !"HTTP/1.1".equals(version)) {
            throw new IllegalArgumentException("version: " + version);
        }
        if (status < 100 || status > 599) throw new IllegalArgumentException("status: " + status);
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Validates one line given without its CRLF/LF: {@code HTTP/1.x SP 3DIGIT [SP reason]}. The reason may
     * hold SP, HTAB and bytes ≥ 0x80 (decoded ISO-8859-1), as RFC 9112's reason-phrase allows; other
     * CTLs, a CR included, are rejected. HTTP-name is case-sensitive (RFC 9112 §2.3).
     */
    public static NphStatusLine parse(byte[] line, int off, int len) throws InvalidResponseHeadException {
        Objects.checkFromIndexSize(off, len, line.length);
        int end = off + len;
        if (len < 8 || !startsWith(line, off, "HTTP/1.") || (line[off + 7] != '0' && line[off + 7] != '1')) {
            throw error(line, off, len, "invalid HTTP version");
        }
        int p = off + 8;
        if (p >= end || line[p] != ' ') throw error(line, off, len, "invalid HTTP version");
        p++;
        if (end - p < 3 || !digit(line[p]) || !digit(line[p + 1]) || !digit(line[p + 2])) {
            throw error(line, off, len, "invalid status code");
        }
        int code = (line[p] - '0') * 100 + (line[p + 1] - '0') * 10 + (line[p + 2] - '0');
        if (code < 100 || code > 599) throw error(line, off, len, "invalid status code");
        p += 3;
        String reason = "";
        if (p < end) {
            if (line[p] != ' ') throw error(line, off, len, "invalid status code");
            p++;
            for (int k = p; k < end; k++) {
                int b = line[k] & 0xff;
                if ((b < 0x20 && b != '\t') || b == 0x7f) throw error(line, off, len, "control character in reason");
            }
            reason = new String(line, p, end - p, StandardCharsets.ISO_8859_1);
        }
        String version = line[off + 7] == '0' ? "HTTP/1.0" : "HTTP/1.1";
        return new NphStatusLine(version, code, reason);
    }

    private static boolean startsWith(byte[] b, int off, String s) {
        for (int k = 0; k < s.length(); k++) if (b[off + k] != s.charAt(k)) return false;
        return true;
    }

    private static boolean digit(byte b) { return b >= '0' && b <= '9'; }

    private static InvalidResponseHeadException error(byte[] line, int off, int len, String why) {
        return new InvalidResponseHeadException(1, why, Arrays.copyOfRange(line, off, off + len));
    }
}
