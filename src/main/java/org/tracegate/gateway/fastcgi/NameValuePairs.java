package org.tracegate.gateway.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * FastCGI name-value pairs (spec §3.4): name length, value length, name, value. A length below 128 is one
 * byte; otherwise four bytes, big-endian, with the high bit set (so at most 2^31 - 1). Names and values are
 * octet strings, one char per byte (0–255), as {@code CgiEnvironment} builds them.
 */
public final class NameValuePairs {
    private NameValuePairs() {}

    /** One pair; both octet strings. */
    public record Pair(String name, String value) {
        public Pair {
            if (name == null || value == null) throw new IllegalArgumentException("null name or value: " + name);
        }
    }

    /** Encoded size of one pair. */
    public static int encodedLength(Pair p) {
        return lengthBytes(p.name().length()) + lengthBytes(p.value().length()) + p.name().length() + p.value().length();
    }

    /** Appends one pair; a char above 0xff means the caller passed text, not octets: a bug, so it throws. */
    public static void encode(Pair p, ByteArrayOutputStream out) {
        writeLength(p.name().length(), out);
        writeLength(p.value().length(), out);
        writeOctets(p.name(), out);
        writeOctets(p.value(), out);
    }

    public static byte[] encode(List<Pair> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Pair p : pairs) encode(p, out);
        return out.toByteArray();
    }

    /**
     * Decodes the pairs of one record's content, {@code b[off, off + len)}. A pair must end within it: a
     * length that runs past the record is an error, never a read beyond it, and nothing is allocated beyond
     * the record's own bytes.
     *
     * @param base stream position of {@code b[off]}, for the error's offset
     * @param what the record it came from, for the error's reason, e.g. "GET_VALUES_RESULT"
     */
    public static List<Pair> decode(byte[] b, int off, int len, long base, String what)
            throws FastCgiProtocolException {
        List<Pair> pairs = new ArrayList<>();
        int end = off + len;
        int p = off;
        while (p < end) {
            int start = p;
            long at = base + (start - off);
            int valueAt = checkLength(b, start, end, start, at, what, "name");
            p = checkLength(b, valueAt, end, start, at, what, "value");
            int nameLen = length(b, start);
            int valueLen = length(b, valueAt);
            if ((long) nameLen + valueLen > end - p) {
                throw error(b, start, end, at, what + " name-value pair of " + nameLen + "+"
                        + valueLen + " bytes runs past its record (" + (end - p) + " bytes left)");
            }
            pairs.add(new Pair(octets(b, p, nameLen), octets(b, p + nameLen, valueLen)));
            p += nameLen + valueLen;
        }
        return pairs;
    }

    /** Checks that the length at b[p] lies within the record; returns the position after it. */
    private static int checkLength(byte[] b, int p, int end, int start, long at, String what, String which)
            throws FastCgiProtocolException {
        if (p >= end) throw error(b, start, end, at, what + " name-value pair cut off before its " + which + " length");
        int n = lengthBytes(b[p]);
        if (end - p < n) {
            throw error(b, start, end, at, what + " name-value pair: 4-byte " + which
                    + " length cut off by the end of its record");
        }
        return p + n;
    }

    /** The 1- or 4-byte length starting at b[p]. */
    private static int length(byte[] b, int p) {
        if ((b[p] & 0x80) == 0) return b[p];
        return ((b[p] & 0x7f) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static FastCgiProtocolException error(byte[] b, int start, int end, long at, String reason) {
        return new FastCgiProtocolException(at, reason,
                Arrays.copyOfRange(b, start, Math.min(end, start + FastCgiProtocolException.QUOTED_BYTES)));
    }

    private static int lengthBytes(byte first) { return (first & 0x80) == 0 ? 1 : 4; }

    private static int lengthBytes(int length) { return length < 128 ? 1 : 4; }

    private static void writeLength(int n, ByteArrayOutputStream out) {
        if (n < 128) {
            out.write(n);
        } else {
            out.write(0x80 | (n >>> 24));
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
        }
    }

    private static void writeOctets(String s, ByteArrayOutputStream out) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff) throw new IllegalArgumentException("not an octet string (char U+" + Integer.toHexString(c) + ")");
            out.write(c);
        }
    }

    private static String octets(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
}
