package org.tracegate.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The spawn helper's binary: carried in the jar as {@code org/tracegate/process/tracegate-spawn-ARCH} (built by Maven
 * from src/main/c with gcc; {@code tracegate-spawn.properties} says for which architecture, or why there is none), and
 * written at run time to a directory of its own: created 0700 under {@code java.io.tmpdir} (or
 * {@code -Dtracegate.spawnHelper.dir}) with a random name, never in a directory a program user could write to or
 * rename entries in. The file is 0500. The launcher removes the directory as soon as the helper runs (a shutdown hook
 * and the helper itself, on EOF, cover a server that dies in between).
 */
final class HelperBinary {
    static final String DIR_PROPERTY = "tracegate.spawnHelper.dir";
    static final String FILE_NAME = "tracegate-spawn";

    final Path directory;
    final Path file;
    private final Thread cleanup;

    private HelperBinary(Path directory, Path file) {
        this.directory = directory;
        this.file = file;
        this.cleanup = new Thread(this::deleteQuietly, "tracegate-spawn-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** The machine name gcc and uname use for this JVM's architecture. */
    static String arch() {
        String a = System.getProperty("os.arch", "");
        return switch (a) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> a;
        };
    }

    /** Null when this jar carries a helper for this machine; else why not, as a phrase ("this build was made without gcc"). */
    static String missing() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) return "the spawn helper is for Linux only";
        Properties p = new Properties();
        try (InputStream in = HelperBinary.class.getResourceAsStream("tracegate-spawn.properties")) {
            if (in == null) return "this build has no tracegate-spawn.properties (not built by Maven?)";
            p.load(in);
        } catch (IOException e) {
            return "tracegate-spawn.properties cannot be read: " + e.getMessage();
        }
        if (p.getProperty("missing") != null) return p.getProperty("missing");
        if (!arch().equals(p.getProperty("arch"))) {
            return "this build's spawn helper is for " + p.getProperty("arch") + ", and this machine is " + arch();
        }
        if (HelperBinary.class.getResource(FILE_NAME + "-" + arch()) == null) return "the jar lacks " + FILE_NAME + "-" + arch();
        return null;
    }

    /** Writes the binary to a fresh private directory. Throws Unavailable (one sentence) when that is not safe or fails. */
    static HelperBinary extract() throws SpawnHelper.Unavailable {
        String why = missing();
        if (why != null) throw new SpawnHelper.Unavailable(why);
        Path parent = Path.of(System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir", "/tmp")));
        checkParent(parent);
        Path dir = null;
        try {
            dir = Files.createTempDirectory(parent, "tracegate-spawn-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve(FILE_NAME);
            try (InputStream in = HelperBinary.class.getResourceAsStream(FILE_NAME + "-" + arch());
                 OutputStream out = Files.newOutputStream(Files.createFile(file,
                         PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                         StandardOpenOption.WRITE)) {
                in.transferTo(out);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
            return new HelperBinary(dir, file);
        } catch (IOException | RuntimeException e) {
            if (dir != null) deleteTree(dir);
            throw new SpawnHelper.Unavailable("cannot write the spawn helper under " + parent + ": " + e);
        }
    }

    /**
     * The directory we create ours in must not let anyone else replace it: owned by root or us, and writable by
     * nobody else unless sticky (then only the owner of an entry may rename or remove it).
     */
    private static void checkParent(Path parent) throws SpawnHelper.Unavailable {
        try {
            int mode = (Integer) Files.getAttribute(parent, "unix:mode");
            int uid = (Integer) Files.getAttribute(parent, "unix:uid");
            int self = ProcStatus.ofThisThread().uids().get(1);
            boolean othersWrite = (mode & 0022) != 0, sticky = (mode & 01000) != 0;
            if ((uid != 0 && uid != self) || (othersWrite && !sticky)) {
                throw new SpawnHelper.Unavailable(String.format("%s (mode %o, owner uid %d) is not a safe place for the"
                        + " spawn helper: set -D%s to a directory only root can write", parent, mode & 07777, uid, DIR_PROPERTY));
            }
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            throw new SpawnHelper.Unavailable("cannot check " + parent + " for the spawn helper: " + e);
        }
    }

    /** Removes the file and its directory (idempotent; the helper may have done it already). */
    void delete() {
        deleteQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void deleteQuietly() {
        deleteTree(directory);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            // gone meanwhile (the helper removes it when the server dies), or nothing we can do
        }
    }
}
