package org.tracegate.process;

import java.io.IOException;

/**
 * The program could not be started at all (exec failed). Carries the errno so the operator sees
 * e.g. {@code ENOENT} for a missing interpreter in a shebang line, {@code ENOEXEC} or {@code EACCES}.
 */
public final class LaunchException extends IOException {
    private final int errno;
    private final String errnoName;

    public LaunchException(String message, int errno, String errnoName) {
        super(message);
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** The numeric errno, or 0 when the platform launcher could not tell. */
    public int errno() { return errno; }

    /** The symbolic name, e.g. {@code ENOENT}; "EUNKNOWN" when the platform launcher could not tell. */
    public String errnoName() { return errnoName; }
}
