package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The managed-pool tests' setup: a scripts directory and scripts that the program user (nobody, when the tests run as
 * root) can read, and the php-cgi command line they run.
 */
public final class PhpScripts {
    /** php-cgi with no php.ini and without the CGI redirect check: FastCGI on its descriptor 0. */
    public static final List<String> PHP_CGI = List.of("/usr/bin/php-cgi", "-n", "-d", "cgi.force_redirect=0");

    private PhpScripts() {}

    /** A fresh temp directory, 0755; the caller deletes it (TempDirectories.delete). */
    public static Path directory(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** {@code dir/name} with {@code text}, 0644. */
    public static Path script(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        return p;
    }
}
