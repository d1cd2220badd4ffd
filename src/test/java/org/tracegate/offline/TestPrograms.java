package org.tracegate.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Real programs for the offline tests, in a directory anyone may enter (a root test's programs run as nobody):
 * shell scripts, and C programs built here with gcc -g so gdb can name their functions.
 */
public final class TestPrograms {
    /** Dereferences NULL inside parse_config_line, after a line on stderr and before any header. */
    public static final String CRASH_C = """
            #include <stdio.h>
            #include <string.h>
            __attribute__((noinline)) int parse_config_line(const char *line)
            {
                volatile int *volatile p = NULL;
                *p = (int) strlen(line);
                return *p;
            }
            int main(void)
            {
                fputs("crash: parsing the config\\n", stderr);
                fflush(stderr);
                return parse_config_line("listen = 80");
            }
            """;

    private TestPrograms() {}

    public static Path directory() throws IOException {
        Path dir = Files.createTempDirectory("tracegate-offline-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    public static Path script(Path dir, String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n", StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** Builds {@code source} with gcc -g -O0; skips the test when there is no gcc. */
    public static Path c(Path dir, String name, String source) throws IOException, InterruptedException {
        Path src = dir.resolve(name + ".c");
        Files.writeString(src, source);
        Path out = dir.resolve(name);
        Process gcc;
        try {
            gcc = new ProcessBuilder(List.of("gcc", "-g", "-O0", "-o", out.toString(), src.toString()))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.assumeTrue(false, "no gcc: " + e.getMessage());
            throw e;
        }
        String said = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as("gcc: %s", said).isZero();
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        return out;
    }

    /** Whether {@code tool} is on PATH. */
    public static boolean installed(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
