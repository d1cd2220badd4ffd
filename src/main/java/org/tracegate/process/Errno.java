package org.tracegate.process;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A failed libc call: carries the errno that {@link Libc} captured right after the downcall (the JVM may
 * overwrite the thread's errno before Java code could read it, hence the capture). Also the one table of
 * errno numbers, names and descriptions: everything else names an errno through here.
 */
public final class Errno extends RuntimeException {
    // Linux numbers; x86-64 and arm64 share the generic table for all of these.
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, E2BIG = 7, ENOEXEC = 8, EBADF = 9,
            ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
            ENFILE = 23, EMFILE = 24, ETXTBSY = 26, EPIPE = 32, ENAMETOOLONG = 36, ENOSYS = 38, ELOOP = 40,
            ENOTSOCK = 88, EADDRINUSE = 98, ECONNRESET = 104;

    private record Known(int number, String name, String description) {}

    /** glibc's strerror texts, fixed in English: trace files say en-US, and strerror would follow the locale. */
    private static final List<Known> KNOWN = List.of(
            new Known(EPERM, "EPERM", "Operation not permitted"),
            new Known(ENOENT, "ENOENT", "No such file or directory"),
            new Known(ESRCH, "ESRCH", "No such process"),
            new Known(EINTR, "EINTR", "Interrupted system call"),
            new Known(E2BIG, "E2BIG", "Argument list too long"),
            new Known(ENOEXEC, "ENOEXEC", "Exec format error"),
            new Known(EBADF, "EBADF", "Bad file descriptor"),
            new Known(ECHILD, "ECHILD", "No child processes"),
            new Known(EAGAIN, "EAGAIN", "Resource temporarily unavailable"),
            new Known(ENOMEM, "ENOMEM", "Cannot allocate memory"),
            new Known(EACCES, "EACCES", "Permission denied"),
            new Known(ENOTDIR, "ENOTDIR", "Not a directory"),
            new Known(EISDIR, "EISDIR", "Is a directory"),
            new Known(EINVAL, "EINVAL", "Invalid argument"),
            new Known(ENFILE, "ENFILE", "Too many open files in system"),
            new Known(EMFILE, "EMFILE", "Too many open files"),
            new Known(ETXTBSY, "ETXTBSY", "Text file busy"),
            new Known(EPIPE, "EPIPE", "Broken pipe"),
            new Known(ENAMETOOLONG, "ENAMETOOLONG", "File name too long"),
            new Known(ENOSYS, "ENOSYS", "Function not implemented"),
            new Known(ELOOP, "ELOOP", "Too many levels of symbolic links"),
            new Known(ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket"),
            new Known(EADDRINUSE, "EADDRINUSE", "Address already in use"),
            new Known(ECONNRESET, "ECONNRESET", "Connection reset by peer"));
    private static final Map<Integer, Known> BY_NUMBER =
            KNOWN.stream().collect(Collectors.toUnmodifiableMap(Known::number, k -> k));
    private static final Map<String, Known> BY_NAME =
            KNOWN.stream().collect(Collectors.toUnmodifiableMap(Known::name, k -> k));

    private final int errno;

    Errno(String call, int errno) {
        super(call + ": " + name(errno) + " (" + Libc.strerror(errno) + ")", null, false, false);
        this.errno = errno;
    }

    int errno() { return errno; }

    /** "ENOENT", or "E" + number for the ones we never expect. */
    public static String name(int errno) {
        Known k = BY_NUMBER.get(errno);
        return k != null ? k.name() : "E" + errno;
    }

    /** "No such file or directory" for "ENOENT"; null for a name not in the table. */
    public static String description(String name) {
        Known k = name == null ? null : BY_NAME.get(name);
        return k == null ? null : k.description();
    }
}
