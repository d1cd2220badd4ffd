package org.tracegate.process;

import java.util.Map;

/**
 * A failed libc call: carries the errno that {@link Libc} captured right after the downcall (the JVM may
 * overwrite the thread's errno before Java code could read it, hence the capture).
 */
final class Errno extends RuntimeException {
    // Linux numbers; x86-64 and arm64 share the generic table for all of these.
    static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, E2BIG = 7, ENOEXEC = 8, EBADF = 9,
            ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
            ENFILE = 23, EMFILE = 24, ETXTBSY = 26, ENAMETOOLONG = 36, ENOSYS = 38, ELOOP = 40;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(E2BIG, "E2BIG"), Map.entry(ENOEXEC, "ENOEXEC"),
            Map.entry(EBADF, "EBADF"), Map.entry(ECHILD, "ECHILD"), Map.entry(EAGAIN, "EAGAIN"),
            Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"), Map.entry(ENOTDIR, "ENOTDIR"),
            Map.entry(EISDIR, "EISDIR"), Map.entry(EINVAL, "EINVAL"), Map.entry(ENFILE, "ENFILE"),
            Map.entry(EMFILE, "EMFILE"), Map.entry(ETXTBSY, "ETXTBSY"), Map.entry(ENAMETOOLONG, "ENAMETOOLONG"),
            Map.entry(ENOSYS, "ENOSYS"), Map.entry(ELOOP, "ELOOP"));

    private final int errno;

    Errno(String call, int errno) {
        super(call + ": " + name(errno) + " (" + Libc.strerror(errno) + ")", null, false, false);
        this.errno = errno;
    }

    int errno() { return errno; }

    /** "ENOENT", or "E" + number for the ones we never expect. */
    static String name(int errno) {
        return NAMES.getOrDefault(errno, "E" + errno);
    }
}
