package org.tracegate.gateway.fastcgi;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One FastCGI 1.0 record as a value (spec §3.3, §5). On the wire each is an 8-byte header (version, type,
 * request id, content length, padding length, reserved) followed by the content and the padding.
 * Constructors reject values the wire cannot carry: that is a bug of ours, not hostile input, which the
 * {@link RecordDecoder} turns into a {@link FastCgiProtocolException} before any record is built.
 */
public sealed interface FastCgiRecord {
    int VERSION = 1;
    int HEADER_BYTES = 8;
    /** The content length field is 16 bits. */
    int MAX_CONTENT = 0xffff;
    /** Request id of management records (spec §3.3: FCGI_NULL_REQUEST_ID). */
    int MANAGEMENT_ID = 0;

    RecordType type();

    int requestId();

    /** Starts a request (spec §5.1); reserved bytes are written as zeros and ignored when read. */
    record BeginRequest(int requestId, int role, int flags) implements FastCgiRecord {
        public static final int RESPONDER = 1;
        /** The application keeps the connection open after the request (spec §5.1). */
        public static final int KEEP_CONN = 1;

        public BeginRequest {
            applicationId(requestId);
            unsigned(role, 0xffff, "role");
            unsigned(flags, 0xff, "flags");
        }

        public static BeginRequest responder(int requestId, boolean keepConn) {
            return new BeginRequest(requestId, RESPONDER, keepConn ? KEEP_CONN : 0);
        }

        public boolean keepConn() { return (flags & KEEP_CONN) != 0; }

        public RecordType type() { return RecordType.BEGIN_REQUEST; }
    }

    /** The web server gives up on a request (spec §5.4); no content. */
    record AbortRequest(int requestId) implements FastCgiRecord {
        public AbortRequest {
            applicationId(requestId);
        }

        public RecordType type() { return RecordType.ABORT_REQUEST; }
    }

    /**
     * The application ended the request (spec §5.5).
     *
     * @param appStatus the application's status, 32 bits as sent (a CGI program's exit status; unsigned on the wire)
     */
    record EndRequest(int requestId, int appStatus, ProtocolStatus protocolStatus) implements FastCgiRecord {
        public EndRequest {
            applicationId(requestId);
            if (protocolStatus == null) throw new IllegalArgumentException("protocolStatus is null");
        }

        public RecordType type() { return RecordType.END_REQUEST; }
    }

    /**
     * A piece of one of the byte streams PARAMS, STDIN, STDOUT, STDERR or DATA; an empty one ends the stream.
     * The content array is not copied (it is a relay's hot path): whoever builds or receives it must not change it.
     */
    record Stream(RecordType type, int requestId, byte[] content) implements FastCgiRecord {
        public Stream {
            if (type == null || !type.isStream()) throw new IllegalArgumentException("not a stream type: " + type);
            applicationId(requestId);
            if (content.length > MAX_CONTENT) {
                throw new IllegalArgumentException("content of " + content.length + " bytes exceeds " + MAX_CONTENT);
            }
        }

        /** The empty record that ends a stream. */
        public boolean isEnd() { return content.length == 0; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stream s && s.type == type && s.requestId == requestId && Arrays.equals(s.content, content);
        }

        @Override
        public int hashCode() { return (type.hashCode() * 31 + requestId) * 31 + Arrays.hashCode(content); }

        @Override
        public String toString() {
            return "Stream[" + type + ", " + requestId + ", " + content.length + " bytes: "
                    + HexFormat.of().formatHex(content, 0, Math.min(content.length, 32)) + "]";
        }
    }

    /** Asks the application for the named variables (spec §4.1); sent as pairs with empty values. */
    record GetValues(List<String> names) implements FastCgiRecord {
        public GetValues {
            names = List.copyOf(names);
        }

        public int requestId() { return MANAGEMENT_ID; }

        public RecordType type() { return RecordType.GET_VALUES; }
    }

    /** The application's answer to GET_VALUES: the variables it knows, values as octet strings. */
    record GetValuesResult(List<NameValuePairs.Pair> values) implements FastCgiRecord {
        public GetValuesResult {
            values = List.copyOf(values);
        }

        public int requestId() { return MANAGEMENT_ID; }

        public RecordType type() { return RecordType.GET_VALUES_RESULT; }
    }

    /** The application did not understand a management record of type {@code unknownType} (spec §4.2). */
    record UnknownType(int unknownType) implements FastCgiRecord {
        public UnknownType {
            unsigned(unknownType, 0xff, "type");
        }

        public int requestId() { return MANAGEMENT_ID; }

        public RecordType type() { return RecordType.UNKNOWN_TYPE; }
    }

    private static void applicationId(int requestId) {
        if (requestId < 1 || requestId > 0xffff) {
            throw new IllegalArgumentException("application record needs a request id in 1..65535: " + requestId);
        }
    }

    private static void unsigned(int value, int max, String what) {
        if (value < 0 || value > max) throw new IllegalArgumentException(what + " out of range 0.." + max + ": " + value);
    }
}
