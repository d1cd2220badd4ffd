package org.tracegate.gateway.fastcgi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.tracegate.gateway.fastcgi.FastCgiRecord.AbortRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.EndRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValues;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;
import org.tracegate.gateway.fastcgi.FastCgiRecord.UnknownType;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;

/**
 * Encodes records as pure functions. Every record is padded so that it ends on an 8-byte boundary, as the
 * spec recommends (§3.3). Streams are cut into records of at most {@link #MAX_WRITE_CONTENT} bytes: then
 * content plus padding stays within 65535, the most php-fpm accepts (main/fastcgi.c rejects a PARAMS record
 * whose content and padding together exceed 0xffff).
 */
public final class RecordEncoder {
    /** The largest multiple of 8 not above 65535. */
    public static final int MAX_WRITE_CONTENT = 65528;
    private static final byte[] ZEROS = new byte[8];

    private RecordEncoder() {}

    /** Padding that brings {@code contentLength} to a multiple of 8. */
    public static int padding(int contentLength) { return -contentLength & 7; }

    /** One record: header, content, padding. */
    public static byte[] encode(FastCgiRecord r) {
        byte[] content = content(r);
        ByteBuffer out = ByteBuffer.allocate(FastCgiRecord.HEADER_BYTES + content.length + padding(content.length));
        header(out, r.type(), r.requestId(), content.length);
        out.put(content);
        return out.array();                            // the padding is the array's zeros
    }

    /** Writes the header of a record with this much content and the padding {@link #padding} gives. */
    public static void header(ByteBuffer out, RecordType type, int requestId, int contentLength) {
        if (contentLength < 0 || contentLength > FastCgiRecord.MAX_CONTENT) {
            throw new IllegalArgumentException("content length out of range: " + contentLength);
        }
        out.put((byte) FastCgiRecord.VERSION).put((byte) type.code())
                .putShort((short) requestId).putShort((short) contentLength)
                .put((byte) padding(contentLength)).put((byte) 0);
    }

    /** {@code n} zero bytes of padding (n < 8) as a buffer to write after a record's content. */
    public static ByteBuffer paddingBytes(int n) { return ByteBuffer.wrap(ZEROS, 0, n); }

    /** {@code b[off, off + len)} as records of {@code type}, cut at {@link #MAX_WRITE_CONTENT}; no end record. */
    public static void stream(RecordType type, int requestId, byte[] b, int off, int len, ByteArrayOutputStream out) {
        for (int p = off, end = off + len; p < end; ) {
            int n = Math.min(MAX_WRITE_CONTENT, end - p);
            streamRecord(type, requestId, b, p, n, out);
            p += n;
        }
    }

    /** The empty record that ends a stream. */
    public static byte[] endOfStream(RecordType type, int requestId) {
        return encode(new Stream(type, requestId, new byte[0]));
    }

    /**
     * The PARAMS stream, its end record included. Pairs are kept whole within a record, because php-fpm
     * decodes each PARAMS record on its own; only a pair longer than a record is split, as the spec allows.
     */
    public static void params(int requestId, List<Pair> params, ByteArrayOutputStream out) {
        ByteArrayOutputStream record = new ByteArrayOutputStream(Math.min(MAX_WRITE_CONTENT, 4096));
        for (Pair p : params) {
            if (record.size() > 0 && record.size() + NameValuePairs.encodedLength(p) > MAX_WRITE_CONTENT) {
                flushParams(requestId, record, out);
            }
            NameValuePairs.encode(p, record);
            if (record.size() > MAX_WRITE_CONTENT) flushParams(requestId, record, out);
        }
        flushParams(requestId, record, out);
        out.writeBytes(endOfStream(RecordType.PARAMS, requestId));
    }

    /**
     * BEGIN_REQUEST, the PARAMS with their end record and, with {@code endStdin}, the empty STDIN: everything a
     * request sends before its body, as one array, the same bytes as {@link #encode} and {@link #params} give.
     * Params whose pairs fit one record (nearly all: 65528 bytes) are encoded straight into the array, with
     * no pair objects or intermediate streams; larger ones take the general path.
     */
    public static byte[] requestHead(int requestId, boolean keepConn, Map<String, String> params, boolean endStdin) {
        // One walk of the map (a linked map's entries are scattered on the heap), then the arrays twice.
        String[] pairs = new String[2 * params.size()];
        int content = 0, i = 0;
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = e.getKey(), value = e.getValue();
            pairs[i++] = name;
            pairs[i++] = value;
            int n = name.length(), v = value.length();
            content += (n < 128 ? 1 : 4) + (v < 128 ? 1 : 4) + n + v;
            if (content > MAX_WRITE_CONTENT || content < 0) return requestHeadInParts(requestId, keepConn, params, endStdin);
        }
        int records = content == 0 ? 0 : FastCgiRecord.HEADER_BYTES + content + padding(content);
        byte[] out = new byte[2 * FastCgiRecord.HEADER_BYTES + records + FastCgiRecord.HEADER_BYTES
                + (endStdin ? FastCgiRecord.HEADER_BYTES : 0)];
        ByteBuffer b = ByteBuffer.wrap(out);
        header(b, RecordType.BEGIN_REQUEST, requestId, 8);
        b.putShort((short) BeginRequest.RESPONDER).put((byte) (keepConn ? BeginRequest.KEEP_CONN : 0)).put(new byte[5]);
        if (content > 0) {
            header(b, RecordType.PARAMS, requestId, content);
            int p = b.position();
            for (int k = 0; k < pairs.length; k += 2) {
                String name = pairs[k], value = pairs[k + 1];
                p = putLength(out, p, name.length());
                p = putLength(out, p, value.length());
                p = putOctets(out, p, name);
                p = putOctets(out, p, value);
            }
            b.position(p + padding(content));          // the padding is the array's zeros
        }
        header(b, RecordType.PARAMS, requestId, 0);
        if (endStdin) header(b, RecordType.STDIN, requestId, 0);
        return out;
    }

    private static byte[] requestHeadInParts(int requestId, boolean keepConn, Map<String, String> params, boolean endStdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        out.writeBytes(encode(BeginRequest.responder(requestId, keepConn)));
        List<Pair> pairs = new java.util.ArrayList<>(params.size());
        for (Map.Entry<String, String> e : params.entrySet()) pairs.add(new Pair(e.getKey(), e.getValue()));
        params(requestId, pairs, out);
        if (endStdin) out.writeBytes(endOfStream(RecordType.STDIN, requestId));
        return out.toByteArray();
    }

    private static int putLength(byte[] out, int p, int n) {
        if (n < 128) {
            out[p] = (byte) n;
            return p + 1;
        }
        out[p] = (byte) (0x80 | (n >>> 24));
        out[p + 1] = (byte) (n >>> 16);
        out[p + 2] = (byte) (n >>> 8);
        out[p + 3] = (byte) n;
        return p + 4;
    }

    /** A char above 0xff means the caller passed text, not octets: a bug, so it throws (as NameValuePairs does). */
    private static int putOctets(byte[] out, int p, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff) throw new IllegalArgumentException("not an octet string (char U+" + Integer.toHexString(c) + ")");
            out[p++] = (byte) c;
        }
        return p;
    }

    private static void flushParams(int requestId, ByteArrayOutputStream record, ByteArrayOutputStream out) {
        byte[] b = record.toByteArray();
        stream(RecordType.PARAMS, requestId, b, 0, b.length, out);
        record.reset();
    }

    private static void streamRecord(RecordType type, int requestId, byte[] b, int off, int len,
                                     ByteArrayOutputStream out) {
        ByteBuffer h = ByteBuffer.allocate(FastCgiRecord.HEADER_BYTES);
        header(h, type, requestId, len);
        out.writeBytes(h.array());
        out.write(b, off, len);
        out.write(ZEROS, 0, padding(len));
    }

    private static byte[] content(FastCgiRecord r) {
        return switch (r) {
            case BeginRequest b -> ByteBuffer.allocate(8).putShort((short) b.role()).put((byte) b.flags()).array();
            case AbortRequest a -> new byte[0];
            case EndRequest e -> ByteBuffer.allocate(8).putInt(e.appStatus()).put((byte) e.protocolStatus().code()).array();
            case Stream s -> s.content();
            case GetValues g -> NameValuePairs.encode(g.names().stream().map(n -> new Pair(n, "")).toList());
            case GetValuesResult g -> NameValuePairs.encode(g.values());
            case UnknownType u -> new byte[] {(byte) u.unknownType(), 0, 0, 0, 0, 0, 0, 0};
        };
    }
}
