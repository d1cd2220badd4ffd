package org.tracegate.offline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.tracegate.process.Credentials;

/**
 * A private directory for one replay's files (the body for gdb, the syscall log), owned by whoever the program runs
 * as so that gdb or strace, running as that user, can read and write it — and nobody else can (0700). Kept after the
 * run: its logs are the point.
 */
final class Workspace {
    private Workspace() {}

    static Path create(Credentials owner) throws IOException {
        Path dir = Files.createTempDirectory("tracegate-replay-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        if (owner != null) chown(dir, owner);
        return dir;
    }

    /** A file in the workspace with these bytes, owned as the directory is. */
    static Path file(Path dir, String name, byte[] content, Credentials owner) throws IOException {
        Path f = Files.write(dir.resolve(name), content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        if (owner != null) chown(f, owner);
        return f;
    }

    private static void chown(Path p, Credentials c) throws IOException {
        Files.setAttribute(p, "unix:uid", c.uid());
        Files.setAttribute(p, "unix:gid", c.gid());
    }
}
