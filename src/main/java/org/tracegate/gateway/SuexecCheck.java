package org.tracegate.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Apache suEXEC's checks on a program that a mapping runs as a user of its own: the program (its real path,
 * already known to be inside the mapped directory) and its directory are owned by that user or root and not
 * writable by group or others, and the program is not setuid or setgid. Otherwise another local user could
 * change what runs with that user's rights.
 */
public final class SuexecCheck {
    private static final int S_ISUID = 04000, S_ISGID = 02000, S_IWGRP = 020, S_IWOTH = 02;

    private SuexecCheck() {}

    /** The refusal, or null when the program passes. */
    public static Refusal check(Path program, int uid, String runAs) {
        try {
            String problem = problem(program, uid, "the program");
            if (problem == null) problem = problem(program.getParent(), uid, "its directory " + program.getParent());
            if (problem == null) {
                int mode = (Integer) Files.getAttribute(program, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if ((mode & (S_ISUID | S_ISGID)) != 0) problem = "the program is setuid or setgid (mode " + octal(mode) + ")";
            }
            return problem == null ? null : new Refusal.SuexecViolation(problem, runAs, program);
        } catch (IOException | UnsupportedOperationException e) {
            return new Refusal.SuexecViolation("its owner and mode cannot be read (" + e.getMessage() + ")", runAs, program);
        }
    }

    private static String problem(Path p, int uid, String what) throws IOException {
        int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (owner != uid && owner != 0) return what + " is owned by uid " + owner + ", not by uid " + uid + " or root";
        if ((mode & S_IWGRP) != 0) return what + " is writable by its group (mode " + octal(mode) + ")";
        if ((mode & S_IWOTH) != 0) return what + " is writable by others (mode " + octal(mode) + ")";
        return null;
    }

    private static String octal(int mode) { return String.format("%04o", mode & 07777); }
}
