package org.tracegate.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Netmon's dump layout, as in the 502.2 article: {@code 00000: 48 54 54 50 … HTTP/1.1 5} — a
 * five-digit hex offset, sixteen bytes in hex, then the same bytes as text with anything outside
 * printable ASCII shown as '.'. The last row is not padded, as Netmon does not pad it.
 */
public final class HexDump {
    private HexDump() {}

    public static List<String> lines(byte[] bytes) {
        List<String> out = new ArrayList<>((bytes.length + 15) / 16);
        for (int off = 0; off < bytes.length; off += 16) {
            int end = Math.min(bytes.length, off + 16);
            StringBuilder hex = new StringBuilder(70).append(String.format("%05X:", off));
            StringBuilder text = new StringBuilder(16);
            for (int i = off; i < end; i++) {
                int b = bytes[i] & 0xFF;
                hex.append(' ').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                text.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
            }
            out.add(hex.append(' ').append(text).toString());
        }
        return out;
    }
}
