package org.tracegate.gateway.fastcgi;

/** The record types of FastCGI 1.0 (spec §8), with the rules the decoder checks per type. */
public enum RecordType {
    BEGIN_REQUEST(1, Kind.APPLICATION, 8),
    ABORT_REQUEST(2, Kind.APPLICATION, 0),
    END_REQUEST(3, Kind.APPLICATION, 8),
    PARAMS(4, Kind.STREAM, -1),
    STDIN(5, Kind.STREAM, -1),
    STDOUT(6, Kind.STREAM, -1),
    STDERR(7, Kind.STREAM, -1),
    DATA(8, Kind.STREAM, -1),
    GET_VALUES(9, Kind.MANAGEMENT, -1),
    GET_VALUES_RESULT(10, Kind.MANAGEMENT, -1),
    UNKNOWN_TYPE(11, Kind.MANAGEMENT, 8);

    /** Management records use request id 0; application records (streams included) any other id. */
    private enum Kind { APPLICATION, STREAM, MANAGEMENT }

    private static final RecordType[] BY_CODE = new RecordType[12];

    static {
        for (RecordType t : values()) BY_CODE[t.code] = t;
    }

    private final int code;
    private final Kind kind;
    private final int fixedContentLength;

    RecordType(int code, Kind kind, int fixedContentLength) {
        this.code = code;
        this.kind = kind;
        this.fixedContentLength = fixedContentLength;
    }

    /** The type byte on the wire. */
    public int code() { return code; }

    /** The type with this code, or null for a code FastCGI 1.0 does not define. */
    public static RecordType of(int code) {
        return code >= 1 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    public boolean isManagement() { return kind == Kind.MANAGEMENT; }

    /** PARAMS, STDIN, STDOUT, STDERR and DATA: byte streams ended by an empty record. */
    public boolean isStream() { return kind == Kind.STREAM; }

    /** The content length the spec fixes for this type (8 for the bodies, 0 for ABORT_REQUEST), or -1. */
    public int fixedContentLength() { return fixedContentLength; }
}
