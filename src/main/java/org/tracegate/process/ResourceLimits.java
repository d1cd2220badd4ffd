package org.tracegate.process;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Per-program resource limits, applied with prlimit(2) to the program right after posix_spawn returns (see
 * docs/process.md for the short window before they apply). An empty component keeps the server's own limit;
 * {@link #UNLIMITED} lifts it. Soft and hard limit are set alike, so the program cannot raise them again, except
 * the CPU limit, whose hard limit is one second later: SIGXCPU at the limit, SIGKILL a second after.
 *
 * @param cpuSeconds        RLIMIT_CPU: CPU seconds (user + system) before SIGXCPU
 * @param addressSpaceBytes RLIMIT_AS: virtual memory; mmap/brk (so malloc) fail with ENOMEM beyond it
 * @param processes         RLIMIT_NPROC: processes (threads included) of the program's real uid across the whole
 *                          system, not per program; fork fails with EAGAIN beyond it; root ignores it
 * @param openFiles         RLIMIT_NOFILE: descriptors; open fails with EMFILE at it
 * @param fileSizeBytes     RLIMIT_FSIZE: the largest file the program may write; SIGXFSZ beyond it
 * @param coreBytes         RLIMIT_CORE: the largest core file; 0 (the default) writes none
 */
public record ResourceLimits(OptionalLong cpuSeconds, OptionalLong addressSpaceBytes, OptionalLong processes,
                             OptionalLong openFiles, OptionalLong fileSizeBytes, OptionalLong coreBytes) {

    /** No limit at all (RLIM_INFINITY). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Every limit as the server has it: nothing is applied. */
    public static final ResourceLimits INHERITED = new ResourceLimits(OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());

    /** What a program gets unless configured otherwise: the server's limits, but no core files. */
    public static final ResourceLimits DEFAULT = INHERITED.withCoreBytes(0);

    public ResourceLimits {
        for (OptionalLong l : List.of(cpuSeconds, addressSpaceBytes, processes, openFiles, fileSizeBytes, coreBytes)) {
            if (l.isPresent() && l.getAsLong() < 0) throw new IllegalArgumentException("limits must be >= 0: " + l);
        }
    }

    public ResourceLimits withCpuSeconds(long v) {
        return new ResourceLimits(OptionalLong.of(v), addressSpaceBytes, processes, openFiles, fileSizeBytes, coreBytes);
    }

    public ResourceLimits withAddressSpaceBytes(long v) {
        return new ResourceLimits(cpuSeconds, OptionalLong.of(v), processes, openFiles, fileSizeBytes, coreBytes);
    }

    public ResourceLimits withProcesses(long v) {
        return new ResourceLimits(cpuSeconds, addressSpaceBytes, OptionalLong.of(v), openFiles, fileSizeBytes, coreBytes);
    }

    public ResourceLimits withOpenFiles(long v) {
        return new ResourceLimits(cpuSeconds, addressSpaceBytes, processes, OptionalLong.of(v), fileSizeBytes, coreBytes);
    }

    public ResourceLimits withFileSizeBytes(long v) {
        return new ResourceLimits(cpuSeconds, addressSpaceBytes, processes, openFiles, OptionalLong.of(v), coreBytes);
    }

    public ResourceLimits withCoreBytes(long v) {
        return new ResourceLimits(cpuSeconds, addressSpaceBytes, processes, openFiles, fileSizeBytes, OptionalLong.of(v));
    }

    /** True when nothing is set (the launcher then makes no prlimit call). */
    public boolean isInherited() {
        return equals(INHERITED);
    }

    /** "cpuSeconds=2 openFiles=64", for messages; "" when nothing is set. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        add(parts, "cpuSeconds", cpuSeconds);
        add(parts, "addressSpaceBytes", addressSpaceBytes);
        add(parts, "processes", processes);
        add(parts, "openFiles", openFiles);
        add(parts, "fileSizeBytes", fileSizeBytes);
        add(parts, "coreBytes", coreBytes);
        return String.join(" ", parts);
    }

    private static void add(List<String> parts, String name, OptionalLong value) {
        value.ifPresent(v -> parts.add(name + "=" + (v == UNLIMITED ? "unlimited" : Long.toString(v))));
    }
}
