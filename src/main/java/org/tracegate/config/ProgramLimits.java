package org.tracegate.config;

/**
 * What one program run may use; 0 means no limit. Global in {@code [limits]}, overridable per mapping.
 *
 * @param cpuSeconds  CPU time (RLIMIT_CPU: SIGXCPU, then SIGKILL); default none
 * @param memoryMiB   address space (RLIMIT_AS: allocations fail beyond it); default none
 * @param processes   processes of the program's user (RLIMIT_NPROC: fork fails with EAGAIN); default none
 * @param openFiles   open descriptors (RLIMIT_NOFILE: EMFILE); default none
 * @param outputMiB   response bytes relayed to the client; the response is cut off beyond it; default none
 * @param stderrKiB   stderr bytes written to error.log per request, then one line saying how much was
 *                    dropped; default 64
 */
public record ProgramLimits(long cpuSeconds, long memoryMiB, long processes, long openFiles, long outputMiB,
                            long stderrKiB) {
    public static ProgramLimits defaults() { return new ProgramLimits(0, 0, 0, 0, 0, 64); }
}
