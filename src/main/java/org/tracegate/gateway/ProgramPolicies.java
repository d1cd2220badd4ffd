package org.tracegate.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tracegate.config.AliasMapping;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.ProgramLimits;
import org.tracegate.config.ProgramUser;
import org.tracegate.config.ServerConfig;
import org.tracegate.process.Credentials;

/**
 * Every mapping's {@link ProgramPolicy}, resolved once at start so that a user that does not exist or a switch
 * the server cannot make stops the server with a sentence, instead of failing every request. A root server runs
 * programs as the configured user (nobody:nogroup by default), never as root unless the operator insisted twice;
 * a server started by another user runs them as itself (there is nobody else it could be).
 */
public final class ProgramPolicies {
    private final ProgramPolicy global;
    /** By the key of the mapping ("cgi[0]", "alias[1]"); mappings without a user, limits or variables of their own use the global one. */
    private final Map<String, ProgramPolicy> byKey = new HashMap<>();
    private final List<String> summary = new ArrayList<>();
    /** RLIMIT_CORE for every program: 0 unless crash dumps are kept ([crashDumps]). */
    private final long coreBytes;

    private ProgramPolicies(ServerConfig config) {
        boolean root = Credentials.ofServer().uid() == 0;
        coreBytes = config.crashDumps().active(config.logDir()) ? (long) config.crashDumps().maxSizeMiB() << 20 : 0;
        global = policy(config.programUser(), config.programLimits(), false, root, "user")
                .withEnvironment(config.environment());
        summary.add("programs run as " + global.runAsText());
        if (root && global.runAs() == null) {
            summary.add("WARNING: programs run as root (user = \"root\" and allowRootPrograms = true): any program can"
                    + " read and change every file of this machine, the server's own included");
        }
        for (int i = 0; i < config.cgi().size(); i++) {
            CgiMapping m = config.cgi().get(i);
            add(config, root, "cgi[" + i + "]", m.prefix(), m.user(), m.limits(), m.environment());
        }
        for (int i = 0; i < config.aliases().size(); i++) {
            AliasMapping m = config.aliases().get(i);
            add(config, root, "alias[" + i + "]", m.prefix(), m.user(), m.limits(), m.environment());
        }
    }

    private void add(ServerConfig config, boolean root, String key, String prefix, ProgramUser own, ProgramLimits ownLimits,
                     Map<String, String> variables) {
        if (own == null && ownLimits == null && variables.isEmpty()) return;
        ProgramUser user = own != null ? own : config.programUser();
        ProgramLimits limits = ownLimits != null ? ownLimits : config.programLimits();
        Map<String, String> set = new LinkedHashMap<>(config.environment().set());
        set.putAll(variables);
        ProgramPolicy p = policy(user, limits, own != null, root, key + ".user")
                .withEnvironment(new EnvironmentPolicy(config.environment().inherit(), set));
        byKey.put(key, p);
        if (own != null) summary.add("programs under " + prefix + " run as " + p.runAsText() + ", with suEXEC's checks");
    }

    /**
     * @throws IllegalArgumentException naming the key and what is wrong, when a user cannot be used
     */
    public static ProgramPolicies resolve(ServerConfig config) { return new ProgramPolicies(config); }

    public ProgramPolicy global() { return global; }

    /** The policy of the mapping with this key ("cgi[0]", "alias[1]", "documentRoot"): its own, or the global one. */
    public ProgramPolicy of(String key) {
        ProgramPolicy p = byKey.get(key);
        return p != null ? p : global;
    }

    /** One line per fact worth printing at start: who programs run as, warnings. */
    public List<String> summary() { return List.copyOf(summary); }

    private ProgramPolicy policy(ProgramUser user, ProgramLimits limits, boolean suexec, boolean root, String key) {
        var rlimits = ProgramPolicy.rlimitsOf(limits);
        if (coreBytes > 0) rlimits = rlimits.withCoreBytes(coreBytes);
        Credentials self = Credentials.ofServer();
        if (!root) {
            if (suexec) {
                throw new IllegalArgumentException(key + " = \"" + user.user() + "\": a mapping can run its programs as"
                        + " a user of its own only when the server is started as root (it runs as uid " + self.uid() + ")");
            }
            return new ProgramPolicy(null, "the server's own user, uid " + self.uid() + " (it is not root)", rlimits,
                    limits, false, EnvironmentPolicy.defaults());
        }
        if (user.isRoot() && !user.allowRootPrograms()) {
            throw new IllegalArgumentException(key + " = \"root\" is refused unless allowRootPrograms = true is set too");
        }
        Credentials wanted;
        try {
            wanted = Credentials.lookup(user.user(), user.group());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
        if (wanted.uid() == 0 && !user.allowRootPrograms()) {
            throw new IllegalArgumentException(key + " = \"" + user.user() + "\" is uid 0 (root), which is refused unless"
                    + " allowRootPrograms = true is set too");
        }
        Credentials runAs;
        try {
            runAs = Credentials.forPrograms(wanted);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
        String text = user.user() + (user.group() == null ? "" : ":" + user.group()) + " (uid " + wanted.uid() + ", gid "
                + wanted.gid() + (user.group() == null ? ", the user's primary group" : "") + ", no supplementary groups)";
        return new ProgramPolicy(runAs, text, rlimits, limits, suexec, EnvironmentPolicy.defaults());
    }
}
