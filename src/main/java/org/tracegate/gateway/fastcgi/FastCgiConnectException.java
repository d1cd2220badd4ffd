package org.tracegate.gateway.fastcgi;

/**
 * A connection to a FastCGI server could not be made: the errno (ENOENT for a missing unix socket,
 * ECONNREFUSED when nothing listens, EAGAIN when a unix socket's listen queue is full, ETIMEDOUT when a TCP
 * connect did not complete in time, …) and the address, as an operator needs them.
 */
public final class FastCgiConnectException extends Exception {
    private final FastCgiAddress address;
    private final String errnoName;

    public FastCgiConnectException(FastCgiAddress address, String errnoName, String detail) {
        super("cannot connect to " + address + ": " + errnoName + " (" + detail + ")");
        this.address = address;
        this.errnoName = errnoName;
    }

    public FastCgiAddress address() { return address; }

    /** "ENOENT", "ECONNREFUSED", "EAGAIN", "ETIMEDOUT", "UNRESOLVED" (no such host), … */
    public String errnoName() { return errnoName; }
}
