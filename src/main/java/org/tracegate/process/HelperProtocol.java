package org.tracegate.process;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The spawn helper's wire protocol, version 2 (src/main/c/tracegate-spawn.c has the other half; docs/process.md
 * describes it). One message per SOCK_SEQPACKET packet, in the host's byte order, every one starting with a 24-byte
 * header: magic "TGSP", version, type, total length, a reserved 0, and the request id. Version 2 added one SPAWN flag,
 * {@link #FLAG_LISTEN_SOCKET}: the first descriptor is a listening socket for the program's descriptor 0 (FastCGI).
 */
final class HelperProtocol {
    private HelperProtocol() {}

    static final int MAGIC = 0x50534754; // "TGSP" read as a little-endian int
    static final short VERSION = 2;
    static final short SPAWN = 1, HELLO = 100, SPAWNED = 101, FAILED = 102, EXITED = 103;
    static final int HEADER_BYTES = 24;
    static final int FLAG_SWITCH_USER = 1;
    /** Version 2: the first descriptor is a listening stream socket, not a pipe; the helper checks it before the clone. */
    static final int FLAG_LISTEN_SOCKET = 2;
    private static final int SPAWN_FIXED = 176; // flags..strings_len (8 ints), then 6 limits of 24 bytes
    private static final long RLIM_INFINITY = -1L; // UINT64_MAX

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    /** A limit's protocol slot, its name in messages, its value in a spec, and how far the hard limit lies above. */
    record Limit(int slot, String name, java.util.function.Function<ResourceLimits, OptionalLong> value, long hardExtra) {}

    /** Slots as the helper numbers them: 0 CPU, 1 AS, 2 NPROC, 3 NOFILE, 4 FSIZE, 5 CORE (same rules as Prlimit). */
    static final List<Limit> LIMITS = List.of(
            new Limit(0, "cpuSeconds", ResourceLimits::cpuSeconds, 1), // SIGXCPU at the limit, SIGKILL 1 s later
            new Limit(1, "addressSpaceBytes", ResourceLimits::addressSpaceBytes, 0),
            new Limit(2, "processes", ResourceLimits::processes, 0),
            new Limit(3, "openFiles", ResourceLimits::openFiles, 0),
            new Limit(4, "fileSizeBytes", ResourceLimits::fileSizeBytes, 0),
            new Limit(5, "coreBytes", ResourceLimits::coreBytes, 0));

    /** The steps a spawn can fail at (the helper's enum step), as named in messages. */
    static final int STEP_CLONE = 1, STEP_LISTEN_SOCKET = 5, STEP_SETRLIMIT = 10, STEP_SETGROUPS = 20, STEP_SETRESGID = 21, STEP_SETEUID = 22,
            STEP_PARENT = 24, STEP_CHDIR = 27, STEP_SETRESUID = 29, STEP_EXECVE = 30;

    static String stepName(int step) {
        return switch (step) {
            case STEP_CLONE -> "clone";
            case 2 -> "sigaction";
            case 3 -> "sigprocmask";
            case 4 -> "setpgid";
            case STEP_LISTEN_SOCKET -> "the listening socket check";
            case STEP_SETGROUPS -> "setgroups";
            case STEP_SETRESGID -> "setresgid";
            case STEP_SETEUID, STEP_SETRESUID -> "setresuid";
            case 23 -> "prctl(PR_SET_PDEATHSIG)";
            case STEP_PARENT -> "getppid";
            case 25 -> "prctl(PR_SET_NO_NEW_PRIVS)";
            case 26 -> "dup2";
            case STEP_CHDIR -> "chdir";
            case 28 -> "close_range";
            case STEP_EXECVE -> "execve";
            default -> step >= STEP_SETRLIMIT && step < STEP_SETRLIMIT + 6 ? "setrlimit" : "step " + step;
        };
    }

    /**
     * Encodes a SPAWN for {@code spec} with request id 0 (the connection sets it, {@link #setId}). argv and the
     * working directory as UTF-8, the environment as octets (ISO-8859-1, as LaunchSpec says); a NUL byte anywhere is
     * refused here, before any descriptor is made.
     */
    static MemorySegment spawn(Arena arena, LaunchSpec spec) throws LaunchException {
        List<byte[]> strings = new ArrayList<>();
        byte[] cwd = spec.workingDirectory() == null ? null
                : NativeLauncher.checkedBytes(spec.workingDirectory().toString(), StandardCharsets.UTF_8);
        if (cwd != null) strings.add(cwd);
        for (String a : spec.argv()) strings.add(NativeLauncher.checkedBytes(a, StandardCharsets.UTF_8));
        for (Map.Entry<String, String> e : spec.environment().entrySet()) {
            strings.add(NativeLauncher.checkedBytes(e.getKey() + "=" + e.getValue(), StandardCharsets.ISO_8859_1));
        }
        long stringBytes = 0;
        for (byte[] s : strings) stringBytes += s.length + 1;
        Credentials c = spec.credentials();
        int ngroups = c == null ? 0 : c.groups().size();
        long total = HEADER_BYTES + SPAWN_FIXED + 4L * ngroups + stringBytes;
        if (total > Integer.MAX_VALUE) throw tooLong(spec, total, Integer.MAX_VALUE);
        MemorySegment m = arena.allocate(total, 8); // zero-filled: reserved fields, NULs
        header(m, SPAWN, (int) total);
        long o = HEADER_BYTES;
        m.set(INT, o, (c == null ? 0 : FLAG_SWITCH_USER) | (spec.listenSocket() == null ? 0 : FLAG_LISTEN_SOCKET));
        m.set(INT, o + 4, c == null ? 0 : c.uid());
        m.set(INT, o + 8, c == null ? 0 : c.gid());
        m.set(INT, o + 12, ngroups);
        m.set(INT, o + 16, spec.argv().size());
        m.set(INT, o + 20, spec.environment().size());
        m.set(INT, o + 24, cwd == null ? 0 : cwd.length + 1);
        m.set(INT, o + 28, (int) stringBytes);
        for (Limit l : LIMITS) {
            OptionalLong v = l.value().apply(spec.limits());
            if (v.isEmpty()) continue;
            long at = o + 32 + 24L * l.slot();
            boolean unlimited = v.getAsLong() == ResourceLimits.UNLIMITED;
            m.set(INT, at, 1);
            m.set(LONG, at + 8, unlimited ? RLIM_INFINITY : v.getAsLong());
            m.set(LONG, at + 16, unlimited ? RLIM_INFINITY : Math.addExact(v.getAsLong(), l.hardExtra()));
        }
        o += SPAWN_FIXED;
        for (int i = 0; i < ngroups; i++, o += 4) m.set(INT, o, c.groups().get(i));
        for (byte[] s : strings) {
            MemorySegment.copy(s, 0, m, JAVA_BYTE, o, s.length);
            o += s.length + 1;
        }
        return m;
    }

    static LaunchException tooLong(LaunchSpec spec, long bytes, long max) {
        return new LaunchException("cannot start \"" + spec.argv().getFirst() + "\": its arguments and environment take "
                + bytes + " bytes, more than the spawn helper accepts (" + max + "): E2BIG (Argument list too long)",
                Errno.E2BIG, "E2BIG");
    }

    static void header(MemorySegment m, short type, int length) {
        m.set(INT, 0, MAGIC);
        m.set(SHORT, 4, VERSION);
        m.set(SHORT, 6, type);
        m.set(INT, 8, length);
        m.set(INT, 12, 0);
    }

    static void setId(MemorySegment m, long id) {
        m.set(LONG, 16, id);
    }

    /** What is wrong with the header of a reply of {@code n} bytes, or null. */
    static String checkHeader(MemorySegment m, long n) {
        if (n < HEADER_BYTES) return "a reply shorter than its header (" + n + " bytes)";
        if (m.get(INT, 0) != MAGIC) return "a reply without the protocol's magic number";
        if (m.get(SHORT, 4) != VERSION) return "a reply of protocol version " + m.get(SHORT, 4) + ", not " + VERSION;
        if (m.get(INT, 8) != n) return "a reply whose length field (" + m.get(INT, 8) + ") is not its size (" + n + ")";
        if (m.get(INT, 12) != 0) return "a reply with a non-zero reserved field";
        int expected = switch (m.get(SHORT, 6)) {
            case HELLO -> HEADER_BYTES + 16;
            case SPAWNED, FAILED -> HEADER_BYTES + 8;
            case EXITED -> HEADER_BYTES + 32;
            default -> -1;
        };
        if (expected < 0) return "a reply of unknown type " + m.get(SHORT, 6);
        if (expected != n) return "a reply of type " + m.get(SHORT, 6) + " with " + n + " bytes, not " + expected;
        return null;
    }

    static short type(MemorySegment m) { return m.get(SHORT, 6); }

    static long id(MemorySegment m) { return m.get(LONG, 16); }

    static int int0(MemorySegment m) { return m.get(INT, HEADER_BYTES); }

    static int int1(MemorySegment m) { return m.get(INT, HEADER_BYTES + 4); }

    static int int2(MemorySegment m) { return m.get(INT, HEADER_BYTES + 8); }

    /** EXITED: the wait status and rusage as an ExitStatus (CPU = user + system, max RSS in KiB). */
    static ExitStatus exitStatus(MemorySegment m) {
        long cpuMicros = m.get(LONG, HEADER_BYTES + 8) + m.get(LONG, HEADER_BYTES + 16);
        return Reaper.exitStatus(m.get(INT, HEADER_BYTES + 4), cpuMicros, m.get(LONG, HEADER_BYTES + 24));
    }
}
