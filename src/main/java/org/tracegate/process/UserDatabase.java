package org.tracegate.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * User and group lookups through glibc (getpwnam_r, getgrnam_r) rather than parsing /etc/passwd: they follow
 * nsswitch.conf, so LDAP, SSSD or systemd users resolve exactly as {@code id} shows them. Configuration time only.
 */
final class UserDatabase {
    private UserDatabase() {}

    record User(int uid, int gid) {}

    private static final int ERANGE = 34;
    /** struct passwd on LP64: two char* (name, passwd), then uid_t and gid_t. struct group: two char*, then gid_t. */
    private static final long PW_UID = 16, PW_GID = 20, PASSWD_BYTES = 48, GR_GID = 16, GROUP_BYTES = 32;

    private static final FunctionDescriptor LOOKUP_R =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle GETPWNAM_R = Libc.downcall("getpwnam_r", LOOKUP_R);
    private static final MethodHandle GETGRNAM_R = Libc.downcall("getgrnam_r", LOOKUP_R);

    static Optional<User> user(String name) {
        return lookup(GETPWNAM_R, name, PASSWD_BYTES)
                .map(pw -> new User(pw.get(JAVA_INT, PW_UID), pw.get(JAVA_INT, PW_GID)));
    }

    static Optional<Integer> group(String name) {
        return lookup(GETGRNAM_R, name, GROUP_BYTES).map(gr -> gr.get(JAVA_INT, GR_GID));
    }

    /** Calls a *nam_r function, growing the string buffer on ERANGE; the struct copied out, or empty if no entry. */
    private static Optional<MemorySegment> lookup(MethodHandle call, String name, long structBytes) {
        if (name.indexOf('\0') >= 0) return Optional.empty();
        for (long size = 4096; ; size *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment struct = arena.allocate(structBytes, 8);
                MemorySegment result = arena.allocate(ADDRESS);
                int rc = (int) call.invokeExact(arena.allocateFrom(name), struct, arena.allocate(size), size, result);
                if (rc == ERANGE && size < (1 << 24)) continue;
                // POSIX allows "not found" to come back as one of these instead of 0 with a NULL result.
                if (rc == Errno.ENOENT || rc == Errno.ESRCH || rc == Errno.EBADF || rc == Errno.EPERM) return Optional.empty();
                if (rc != 0) throw new IllegalStateException("looking up \"" + name + "\": " + Errno.name(rc));
                if (result.get(ADDRESS, 0).equals(MemorySegment.NULL)) return Optional.empty();
                // Copy the fixed part into the heap: the arena (and the strings it points at) closes here.
                return Optional.of(MemorySegment.ofArray(struct.toArray(JAVA_LONG)));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("looking up \"" + name + "\"", t);
            }
        }
    }
}
