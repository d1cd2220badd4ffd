package org.tracegate.config;

/**
 * Who programs run as when the server runs as root (a server started by another user runs them as itself).
 *
 * @param user              user name or numeric uid; default "nobody"
 * @param group             group name or numeric gid; default "nogroup"; null: the user's primary group
 * @param allowRootPrograms must also be true for {@code user = "root"}: the operator insists twice
 */
public record ProgramUser(String user, String group, boolean allowRootPrograms) {
    public static ProgramUser defaults() { return new ProgramUser("nobody", "nogroup", false); }

    public boolean isRoot() { return user.equals("root") || user.equals("0"); }
}
