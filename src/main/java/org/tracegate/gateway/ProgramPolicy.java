package org.tracegate.gateway;

import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.ProgramLimits;
import org.tracegate.process.Credentials;
import org.tracegate.process.ResourceLimits;

/**
 * How one mapping's programs run, resolved once at start from the configuration: as whom, with which kernel
 * limits, and the limits the gateway itself enforces (output, stderr).
 *
 * @param runAs     the credentials to switch to, or null to run as the server itself
 * @param runAsText who that is, for messages: "nobody:nogroup (uid 65534, gid 65534)"
 * @param rlimits   the kernel limits each program gets
 * @param limits    the configured limits, for the gateway's own checks and for naming a limit that fired
 * @param suexec    whether suEXEC's checks apply (a mapping with a user of its own)
 * @param environment what its programs' environment gets beyond RFC 3875's variables: the global
 *                  {@code [environment]} and the mapping's own variables on top
 */
public record ProgramPolicy(Credentials runAs, String runAsText, ResourceLimits rlimits, ProgramLimits limits,
                            boolean suexec, EnvironmentPolicy environment) {

    /** The same policy with another environment. */
    public ProgramPolicy withEnvironment(EnvironmentPolicy e) { return new ProgramPolicy(runAs, runAsText, rlimits, limits, suexec, e); }

    /** The uid programs run as. */
    public int uid() { return runAs != null ? runAs.uid() : Credentials.ofServer().uid(); }

    /** The gid programs run as. */
    public int gid() { return runAs != null ? runAs.gid() : Credentials.ofServer().gid(); }

    /** As the server itself, with the default limits (no core files): for tests and the ProcessBuilder fallback. */
    public static ProgramPolicy asServer(ProgramLimits limits) {
        return new ProgramPolicy(null, "the server's own user", rlimitsOf(limits), limits, false, EnvironmentPolicy.defaults());
    }

    /** The kernel's share of the configured limits; core files stay off (a crash-dump policy may turn them on). */
    public static ResourceLimits rlimitsOf(ProgramLimits l) {
        ResourceLimits r = ResourceLimits.DEFAULT;
        if (l.cpuSeconds() > 0) r = r.withCpuSeconds(l.cpuSeconds());
        if (l.memoryMiB() > 0) r = r.withAddressSpaceBytes(l.memoryMiB() << 20);
        if (l.processes() > 0) r = r.withProcesses(l.processes());
        if (l.openFiles() > 0) r = r.withOpenFiles(l.openFiles());
        return r;
    }
}
