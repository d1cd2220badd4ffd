package org.tracegate.gateway.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test helpers for bytes on the wire: hex literals, whole-stream decoding, hand-made headers. */
final class Wire {
    private Wire() {}

    /** "01 06 00 01" → bytes; spaces are ignored. */
    static byte[] hex(String s) { return HexFormat.of().parseHex(s.replace(" ", "")); }

    static String hex(byte[] b) { return HexFormat.ofDelimiter(" ").formatHex(b); }

    /** A header as a server might send it, lying or not. */
    static byte[] header(int version, int type, int requestId, int contentLength, int padding) {
        return ByteBuffer.allocate(8).put((byte) version).put((byte) type).putShort((short) requestId)
                .putShort((short) contentLength).put((byte) padding).put((byte) 0).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static byte[] encode(FastCgiRecord... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (FastCgiRecord r : records) out.writeBytes(RecordEncoder.encode(r));
        return out.toByteArray();
    }

    /** Every record in {@code bytes}, fed in one piece. */
    static List<FastCgiRecord> decodeAll(byte[] bytes) throws FastCgiProtocolException {
        return decodeAll(new RecordDecoder(), bytes, List.of(bytes.length));
    }

    /** Every record in {@code bytes}, fed in chunks of the given sizes (cycled), so splits fall anywhere. */
    static List<FastCgiRecord> decodeAll(RecordDecoder d, byte[] bytes, List<Integer> chunks)
            throws FastCgiProtocolException {
        List<FastCgiRecord> out = new ArrayList<>();
        int p = 0;
        for (int i = 0; p < bytes.length; i++) {
            int n = Math.min(Math.max(1, chunks.get(i % chunks.size())), bytes.length - p);
            ByteBuffer in = ByteBuffer.wrap(bytes, p, n);
            for (FastCgiRecord r; (r = d.next(in)) != null; ) out.add(r);
            if (in.hasRemaining()) throw new AssertionError("decoder left " + in.remaining() + " bytes unread");
            p += n;
        }
        return out;
    }
}
