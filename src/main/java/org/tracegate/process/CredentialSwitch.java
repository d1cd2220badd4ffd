package org.tracegate.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one posix_spawn with a program's credentials, switching only the calling thread (docs/process.md).
 *
 * <p>Linux keeps credentials per thread; it is glibc's setuid family that makes them process-wide, by signalling
 * every thread to repeat the call. The raw system calls change the calling thread alone, and posix_spawn's
 * vfork-style child copies that thread's credentials. So: setgroups, setresgid(gid, gid, 0), setresuid(uid, uid,
 * 0) — the saved uid 0 lets the thread switch back, and it keeps processes of the target user from ptracing it —
 * then posix_spawn, whose exec turns saved into the target too and, with real and effective uid non-zero, leaves the
 * program no capabilities. Then back: uid first (which gives the thread its capabilities again), gid, groups.
 */
final class CredentialSwitch {
    private CredentialSwitch() {}

    /** Syscall numbers: x86-64 and arm64 differ (arm64 uses the generic table). */
    private record Numbers(long setgroups, long setresuid, long setresgid) {}

    private static final Numbers NR = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> new Numbers(116, 117, 119);
        case "aarch64" -> new Numbers(159, 147, 149);
        default -> null;
    };
    static final boolean SUPPORTED = NR != null;

    private static final MethodHandle GETRESUID = Libc.downcall("getresuid",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), Libc.CAPTURE_ERRNO);
    private static final MethodHandle GETRESGID = Libc.downcall("getresgid",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), Libc.CAPTURE_ERRNO);
    private static final MethodHandle GETGROUPS = Libc.downcall("getgroups",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), Libc.CAPTURE_ERRNO);

    /** Exit status of a JVM halted because a thread could not get the server's credentials back (EX_SOFTWARE). */
    static final int HALT_STATUS = 70;

    /** Spawns for virtual callers: credentials belong to a kernel thread, and a virtual thread may change carriers. */
    private static final ExecutorService PLATFORM = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("tracegate-spawner-", 0).daemon().factory());

    @FunctionalInterface
    interface Spawn<T> {
        T run();
    }

    /** The thread's own ids and groups, read before the switch (getters do not broadcast) and put back after. */
    private record Saved(int[] uids, int[] gids, int groupCount, MemorySegment groups) {}

    /**
     * Runs {@code spawn} (posix_spawn and prlimit downcalls) as {@code target}, or as the server when null.
     * Throws LaunchException (EPERM, say) when the switch is refused; nothing has changed for the thread then.
     */
    static <T> T spawnAs(Credentials target, Spawn<T> spawn) throws LaunchException {
        if (target == null) return spawn.run();
        if (!SUPPORTED) throw new LaunchException("switching users is not implemented for os.arch "
                + System.getProperty("os.arch"), Errno.ENOSYS, "ENOSYS");
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a credential switch must run on a platform thread");
        }
        try (Arena arena = Arena.ofConfined()) {
            Saved saved = save(arena);
            MemorySegment groups = arena.allocate(JAVA_INT, Math.max(1, target.groups().size()));
            for (int i = 0; i < target.groups().size(); i++) groups.setAtIndex(JAVA_INT, i, target.groups().get(i));
            MemorySegment capture = Libc.allocateCapture(arena);
            String step;
            int errno;
            try {
                // From here to the finally, downcalls only: no class loading and no file access run with the
                // program's identity (NativeLauncher loads what runs here beforehand).
                if (raw(capture, NR.setgroups(), target.groups().size(), groups.address(), 0) != 0) {
                    step = "setgroups";
                } else if (raw(capture, NR.setresgid(), target.gid(), target.gid(), saved.gids()[1]) != 0) {
                    step = "setresgid";
                } else if (raw(capture, NR.setresuid(), target.uid(), target.uid(), saved.uids()[1]) != 0) {
                    step = "setresuid";
                } else {
                    return spawn.run();
                }
                errno = Libc.errno(capture);
            } finally {
                restore(saved, capture);
            }
            throw new LaunchException("cannot run the program as " + target.describe() + ": " + step + ": "
                    + Errno.name(errno) + " (" + Libc.strerror(errno) + ")", errno, Errno.name(errno));
        }
    }

    /** Runs a launch on a platform thread and waits for it; used when the caller is a virtual thread. */
    static ChildProcess onPlatformThread(Callable<ChildProcess> launch) throws LaunchException {
        Future<ChildProcess> f = PLATFORM.submit(launch);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get(); // uninterruptibly: a started child must reach its caller, or it would be lost
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case LaunchException le -> throw le;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IllegalStateException(e.getCause());
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static Saved save(Arena arena) {
        MemorySegment ids = arena.allocate(JAVA_INT, 6);
        Libc.withErrno("getresuid", c -> (int) GETRESUID.invokeExact(c, ids, ids.asSlice(4), ids.asSlice(8)));
        Libc.withErrno("getresgid", c -> (int) GETRESGID.invokeExact(c, ids.asSlice(12), ids.asSlice(16), ids.asSlice(20)));
        int count = Libc.withErrno("getgroups", c -> (int) GETGROUPS.invokeExact(c, 0, MemorySegment.NULL));
        MemorySegment groups = arena.allocate(JAVA_INT, Math.max(1, count));
        int n = count;
        int got = Libc.withErrno("getgroups", c -> (int) GETGROUPS.invokeExact(c, n, groups));
        int[] all = ids.toArray(JAVA_INT);
        return new Saved(new int[] {all[0], all[1], all[2]}, new int[] {all[3], all[4], all[5]}, got, groups);
    }

    /**
     * Puts the thread's own credentials back. If that fails, this platform thread would go on serving with a
     * program's identity (or half of it): stop the JVM instead. The guardian then ends the programs.
     */
    private static void restore(Saved s, MemorySegment capture) {
        String failed;
        try {
            if (raw(capture, NR.setresuid(), s.uids()[0], s.uids()[1], s.uids()[2]) != 0) {
                failed = "setresuid";
            } else if (raw(capture, NR.setresgid(), s.gids()[0], s.gids()[1], s.gids()[2]) != 0) {
                failed = "setresgid";
            } else if (raw(capture, NR.setgroups(), s.groupCount(), s.groups().address(), 0) != 0) {
                failed = "setgroups";
            } else {
                return;
            }
            failed += ": " + Errno.name(Libc.errno(capture));
        } catch (Throwable t) {
            failed = t.toString();
        }
        try {
            System.err.println("tracegate: FATAL: thread " + Thread.currentThread().getName()
                    + " could not take back the server's credentials after starting a program (" + failed
                    + "); halting rather than serving with a program's identity");
        } finally {
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    /** syscall(nr, a, b, c): 0, or -1 with errno in {@code capture}. */
    private static long raw(MemorySegment capture, long nr, long a, long b, long c) {
        try {
            return (long) Libc.SYSCALL.invokeExact(capture, nr, a, b, c, 0L);
        } catch (Throwable t) { // a linkage failure: the finally (or restore's own catch) handles what follows
            throw new IllegalStateException("syscall " + nr, t);
        }
    }
}
