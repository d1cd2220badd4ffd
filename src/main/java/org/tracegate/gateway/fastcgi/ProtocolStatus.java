package org.tracegate.gateway.fastcgi;

/** END_REQUEST's protocolStatus (spec §5.5): why the application ended the request at the protocol level. */
public enum ProtocolStatus {
    /** Normal end; the application's own verdict is in appStatus. */
    REQUEST_COMPLETE(0),
    /** The application refused a second request on a connection it does not multiplex. */
    CANT_MPX_CONN(1),
    /** The application ran out of a resource (e.g. database connections). */
    OVERLOADED(2),
    /** The application does not play the role asked for in BEGIN_REQUEST. */
    UNKNOWN_ROLE(3);

    private final int code;

    ProtocolStatus(int code) { this.code = code; }

    public int code() { return code; }

    /** The status with this code, or null for one the spec does not define. */
    public static ProtocolStatus of(int code) {
        for (ProtocolStatus s : ALL) if (s.code == code) return s;
        return null;
    }

    private static final ProtocolStatus[] ALL = values(); // values() copies the array on every call
}
