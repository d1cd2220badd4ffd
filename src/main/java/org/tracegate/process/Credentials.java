package org.tracegate.process;

import java.util.List;

/**
 * Who a program runs as: real, effective and saved uid and gid, and exactly these supplementary groups (empty:
 * none at all). {@link #lookup} resolves names; {@link #forPrograms} says what a {@link LaunchSpec} should carry.
 */
public record Credentials(int uid, int gid, List<Integer> groups) {
    /** Linux's NGROUPS_MAX. */
    private static final int MAX_GROUPS = 65536;

    public Credentials {
        // -1 would mean "leave unchanged" to setresuid(2): never a valid target.
        if (uid < 0 || gid < 0) throw new IllegalArgumentException("uid and gid must be >= 0: " + uid + ", " + gid);
        groups = List.copyOf(groups);
        if (groups.size() > MAX_GROUPS) throw new IllegalArgumentException("more than " + MAX_GROUPS + " groups");
        for (int g : groups) if (g < 0) throw new IllegalArgumentException("group ids must be >= 0: " + g);
    }

    /** A uid and gid with every supplementary group dropped. */
    public static Credentials of(int uid, int gid) {
        return new Credentials(uid, gid, List.of());
    }

    /**
     * Resolves a user and a group through the system's user database (glibc NSS, so LDAP or systemd users work as
     * {@code id} shows them). A name that is all digits and names no entry is taken as the number itself. A null
     * group means the user's primary group. No supplementary groups. Throws IllegalArgumentException naming what
     * was not found.
     */
    public static Credentials lookup(String user, String group) {
        UserDatabase.User u = UserDatabase.user(user).orElse(null);
        int uid;
        if (u != null) {
            uid = u.uid();
        } else if (isNumber(user)) {
            uid = parseId(user, "user");
        } else {
            throw new IllegalArgumentException("no user \"" + user + "\" in the user database");
        }
        int gid;
        if (group == null) {
            if (u == null) throw new IllegalArgumentException("user " + user + " has no entry to take a primary group from: name a group");
            gid = u.gid();
        } else {
            Integer g = UserDatabase.group(group).orElse(null);
            if (g != null) {
                gid = g;
            } else if (isNumber(group)) {
                gid = parseId(group, "group");
            } else {
                throw new IllegalArgumentException("no group \"" + group + "\" in the group database");
            }
        }
        return of(uid, gid);
    }

    /** The server's own credentials: the calling thread's real uid and gid and its supplementary groups. */
    public static Credentials ofServer() {
        return ProcStatus.ofThisThread().credentials();
    }

    /**
     * What a LaunchSpec should carry to run programs as {@code wanted}, decided at configuration time: null when the
     * server already has those ids (no switch needed), {@code wanted} when this root server can switch to them.
     * Throws IllegalArgumentException, with a sentence for the operator, when it cannot: the server is not root (a
     * non-root server with the same uid and gid keeps its own supplementary groups, since dropping them needs
     * root), the architecture has no known syscall numbers, or the server holds inheritable or ambient capabilities,
     * which programs would keep across exec.
     */
    public static Credentials forPrograms(Credentials wanted) {
        return forPrograms(wanted, ProcStatus.ofThisThread());
    }

    static Credentials forPrograms(Credentials wanted, ProcStatus server) {
        Credentials self = server.credentials();
        if (!server.isRoot()) {
            if (wanted.uid() == self.uid() && wanted.gid() == self.gid()) return null;
            throw new IllegalArgumentException("the server runs as uid " + self.uid() + " gid " + self.gid()
                    + ", not as root, so it cannot start programs as " + wanted.describe()
                    + ": start it as root, or let programs run as the server's own user");
        }
        if (wanted.equals(self)) return null;
        if (!CredentialSwitch.SUPPORTED) {
            throw new IllegalArgumentException("switching users is not implemented for os.arch "
                    + System.getProperty("os.arch") + " (x86-64 and arm64 only)");
        }
        if (server.capInheritable() != 0 || server.capAmbient() != 0) {
            throw new IllegalArgumentException(String.format("the server holds inheritable or ambient capabilities"
                    + " (CapInh %016x, CapAmb %016x), which programs would keep after exec: clear them before starting it",
                    server.capInheritable(), server.capAmbient()));
        }
        return wanted;
    }

    /** "uid 65534 gid 65534 groups []", for messages. */
    public String describe() {
        return "uid " + uid + " gid " + gid + " groups " + groups;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() <= 10 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static int parseId(String s, String what) {
        long id = Long.parseLong(s);
        // 4294967295 is (uid_t) -1, "no change" to the kernel; ids above 2^31 do not fit Java's int here.
        if (id > Integer.MAX_VALUE) throw new IllegalArgumentException(what + " id out of range: " + s);
        return (int) id;
    }
}
