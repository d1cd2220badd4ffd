package org.tracegate.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Applies {@link ResourceLimits} to a started program with prlimit(2). posix_spawn has no rlimit attribute, and
 * setrlimit in the JVM would limit the JVM itself (rlimits are per process), so the limits reach the program just
 * after its exec; docs/process.md measures that window.
 */
final class Prlimit {
    private Prlimit() {}

    // RLIMIT_* numbers: the generic values, shared by x86-64 and arm64.
    private static final int CPU = 0, FSIZE = 1, CORE = 4, NPROC = 6, NOFILE = 7, AS = 9;
    private static final long RLIM_INFINITY = -1L;

    /** int prlimit(pid_t, int resource, const struct rlimit *new, struct rlimit *old); struct rlimit is two longs. */
    private static final MethodHandle PRLIMIT = Libc.downcall("prlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Libc.CAPTURE_ERRNO);

    /**
     * How long to wait for a switched child's exec to commit its credentials. It takes microseconds on an idle
     * machine, but the child must be scheduled to get there: 10 ms were measured with eight spawning threads on two
     * cores, and 20 ms were not enough with the cores busy too (a CI run failed so). Only a real EPERM waits it out.
     */
    private static final long COMMIT_WAIT_NANOS = 2_000_000_000L;
    /** Polls yield for this long, then sleep between polls so as not to take the CPU the child needs. */
    private static final long SPIN_NANOS = 1_000_000L, POLL_SLEEP_NANOS = 100_000L;

    private record Entry(String name, int resource, Function<ResourceLimits, OptionalLong> value, long hardExtra) {}

    // NPROC first: it is the one a fast program could beat by forking (docs/process.md).
    private static final List<Entry> ENTRIES = List.of(
            new Entry("processes", NPROC, ResourceLimits::processes, 0),
            new Entry("openFiles", NOFILE, ResourceLimits::openFiles, 0),
            new Entry("addressSpaceBytes", AS, ResourceLimits::addressSpaceBytes, 0),
            new Entry("cpuSeconds", CPU, ResourceLimits::cpuSeconds, 1), // SIGXCPU at the limit, SIGKILL 1 s later
            new Entry("fileSizeBytes", FSIZE, ResourceLimits::fileSizeBytes, 0),
            new Entry("coreBytes", CORE, ResourceLimits::coreBytes, 0));

    /** Applies every set limit to {@code pid}; returns null, or what failed ("openFiles=64: prlimit: EPERM (...)"). */
    static String apply(int pid, ResourceLimits limits) {
        if (limits.isInherited()) return null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlimit = arena.allocate(JAVA_LONG, 2);
            for (Entry e : ENTRIES) {
                OptionalLong value = e.value().apply(limits);
                if (value.isEmpty()) continue;
                long v = value.getAsLong();
                boolean unlimited = v == ResourceLimits.UNLIMITED;
                rlimit.setAtIndex(JAVA_LONG, 0, unlimited ? RLIM_INFINITY : v);
                rlimit.setAtIndex(JAVA_LONG, 1, unlimited ? RLIM_INFINITY : v + e.hardExtra());
                try {
                    set(pid, e.resource(), rlimit);
                } catch (Errno first) {
                    if (first.errno() != Errno.EPERM || !awaitCommittedCredentials(pid)) {
                        return e.name() + "=" + v + ": " + first.getMessage();
                    }
                    try {
                        set(pid, e.resource(), rlimit);
                    } catch (Errno failure) {
                        return e.name() + "=" + v + ": " + failure.getMessage();
                    }
                }
            }
            return null;
        }
    }

    private static void set(int pid, int resource, MemorySegment rlimit) {
        Libc.withErrno("prlimit", c -> (int) PRLIMIT.invokeExact(c, pid, resource, rlimit, MemorySegment.NULL));
    }

    /**
     * posix_spawn returns once the child's exec has replaced its memory, a step before the exec commits the new
     * credentials. Until then a switched child still has saved uid 0, and prlimit, which wants the caller's uid to
     * match all three of the target's, says EPERM. Reading a limit has the same check (and only that one: a limit
     * above the hard limit fails the set at once, not here): poll it until it passes. False if it did not within
     * {@link #COMMIT_WAIT_NANOS} (the credentials never matched: a setuid program) or the child is gone.
     */
    private static boolean awaitCommittedCredentials(int pid) {
        long start = System.nanoTime(), deadline = start + COMMIT_WAIT_NANOS;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(JAVA_LONG, 2);
            while (System.nanoTime() - deadline < 0) {
                try {
                    Libc.withErrno("prlimit", c -> (int) PRLIMIT.invokeExact(c, pid, CORE, MemorySegment.NULL, old));
                    return true;
                } catch (Errno e) {
                    if (e.errno() != Errno.EPERM) return false;
                    if (System.nanoTime() - start < SPIN_NANOS) Thread.yield();
                    else LockSupport.parkNanos(POLL_SLEEP_NANOS);
                }
            }
            return false;
        }
    }
}
