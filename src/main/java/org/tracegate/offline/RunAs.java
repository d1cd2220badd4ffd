package org.tracegate.offline;

import org.tracegate.process.Credentials;

/**
 * Who an offline run's program runs as. Never root unless the recorded program ran as root: a root caller switches
 * to the recorded user (or, with nothing recorded, to nobody, the server's default), through the same launcher
 * switch the server uses; anyone else runs the program as themselves, since only root can switch.
 */
public final class RunAs {
    /**
     * @param credentials what the launch switches to, or null for the caller's own
     * @param text        who, for the report
     * @param note        what differs from the recording, or null
     */
    public record Who(Credentials credentials, String text, String note) {}

    private RunAs() {}

    /** {@code tracegate probe}: as a server started by this caller would run it. */
    public static Who forProbe() {
        Credentials self = Credentials.ofServer();
        if (self.uid() != 0) return new Who(null, "you (uid " + self.uid() + ", gid " + self.gid() + ")", null);
        return nobody("run as root, the probe runs the program as nobody, as a root server does by default");
    }

    /** {@code tracegate replay}: as recorded in CGI_LAUNCH's RunAs ("uid:gid"), or null when the trace has none. */
    public static Who forReplay(String recorded) {
        Credentials self = Credentials.ofServer();
        int[] ids = parse(recorded);
        if (self.uid() != 0) {
            String text = "you (uid " + self.uid() + ", gid " + self.gid() + ")";
            if (ids != null && (ids[0] != self.uid() || ids[1] != self.gid())) {
                return new Who(null, text, "the recorded program ran as uid " + ids[0] + " gid " + ids[1]
                        + "; only root can switch to it, so it runs as you: replay as root to run it as recorded");
            }
            return new Who(null, text, null);
        }
        if (ids == null) return nobody("the trace does not say who the program ran as, so it runs as nobody, never as root");
        if (ids[0] == 0) return new Who(null, "root (uid 0), as the recorded program did", null);
        Credentials wanted = Credentials.of(ids[0], ids[1]);
        return new Who(Credentials.forPrograms(wanted), "uid " + ids[0] + ", gid " + ids[1] + " (as recorded)", null);
    }

    private static Who nobody(String note) {
        Credentials nobody;
        try {
            nobody = Credentials.lookup("nobody", "nogroup");
        } catch (IllegalArgumentException e) {
            nobody = Credentials.lookup("nobody", null);
        }
        return new Who(Credentials.forPrograms(nobody), "nobody (uid " + nobody.uid() + ", gid " + nobody.gid() + ")",
                note);
    }

    private static int[] parse(String uidGid) {
        if (uidGid == null) return null;
        String[] p = uidGid.strip().split(":");
        try {
            return p.length == 2 ? new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
