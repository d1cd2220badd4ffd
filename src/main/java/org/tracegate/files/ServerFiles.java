package org.tracegate.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The server's own files — logs, traces, sessions, the runtime file, the admin token — created out of
 * programs' reach: directories 0750 and files 0640 (owner and the owner's group only; programs run as another
 * user), the token 0600. Traces and logs hold cookies, query strings and request bodies. An existing file
 * more open than its mode (a log from an older version, say) is narrowed when opened; an existing directory is
 * left as the operator made it. On a file system without POSIX permissions the modes are skipped.
 */
public final class ServerFiles {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-x---");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r-----");
    public static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");

    private ServerFiles() {}

    /** Creates {@code dir} and its missing parents as 0750; returns it. */
    public static Path directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return dir;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) directory(parent);
        try {
            Files.createDirectory(dir, attribute(DIRECTORY));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e;
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
        return dir;
    }

    /** Opens {@code file} for appending, creating it with {@code mode}, or narrowing it to {@code mode}. */
    public static OutputStream append(Path file, Set<PosixFilePermission> mode) throws IOException {
        create(file, mode);
        return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Creates {@code file} with {@code mode}; it must not exist (FileAlreadyExistsException). */
    public static OutputStream createNew(Path file, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.createFile(file, attribute(mode));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        return Files.newOutputStream(file, StandardOpenOption.WRITE);
    }

    /** Writes {@code data} as the whole of {@code file}, creating it with {@code mode} or narrowing it. */
    public static void write(Path file, byte[] data, Set<PosixFilePermission> mode) throws IOException {
        create(file, mode);
        Files.write(file, data, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Write-then-rename in the same directory, so a reader never sees half a file; the new file has {@code mode}. */
    public static void replace(Path target, byte[] data, Set<PosixFilePermission> mode) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attribute(mode));
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        }
        try {
            Files.write(tmp, data, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes sure {@code file} exists and is no more open than {@code mode}. */
    public static void create(Path file, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.createFile(file, attribute(mode));
            return;
        } catch (FileAlreadyExistsException e) {
            // Narrowed below.
        } catch (UnsupportedOperationException e) {
            if (!Files.exists(file)) Files.createFile(file);
            return;
        }
        narrow(file, mode);
    }

    private static void narrow(Path file, Set<PosixFilePermission> mode) throws IOException {
        try {
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
            if (!mode.containsAll(now)) {
                Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
                kept.addAll(now);
                kept.retainAll(mode);
                Files.setPosixFilePermissions(file, kept);
            }
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions here.
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> mode) {
        return PosixFilePermissions.asFileAttribute(mode);
    }
}
