package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack the spawn helper closes (docs/process.md): a hostile program running as the program user sends SIGKILL
 * to every thread of the server in a loop. Against NativeLauncher's per-thread switch it kills the server as soon as
 * a spawn holds that user's uid; against the helper every tgkill is refused. Each server is a JVM of its own.
 */
class SpawnAttackTest {
    @TempDir static Path dir;
    static Path attack;

    @BeforeAll
    static void compileTheAttacker() throws Exception {
        assumeTrue(ProcStatus.ofThisThread().isRoot(), "the attack needs a root server that switches users");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody runs it from here
        attack = Programs.compile(Path.of("src/test/c/tgkill-attack.c"), dir.resolve("tgkill-attack"), false);
    }

    private static Process probe(String launcher, int spawns) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), SpawnAttackProbe.class.getName(),
                launcher, attack.toString(), Integer.toString(spawns))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String output(Process p) throws Exception {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aNobodyProgramKillingEveryServerThreadCannotKillAServerThatSpawnsThroughTheHelper() throws Exception {
        assumeTrue(HelperLauncher.unavailableBecause() == null, "no spawn helper in this build");
        Process server = probe("helper", 500);
        try {
            assertThat(server.waitFor(180, TimeUnit.SECONDS)).as("500 spawns within 3 min").isTrue();
            assertThat(output(server).lines()).containsExactly("attacking", "survived 500");
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * The control: the same attack against the per-thread switch kills the server, usually before the attacker's own
     * launch() has returned (the spawning thread still holds nobody's uid for the prlimit calls).
     */
    @Test
    void theSameAttackKillsAServerThatSwitchesItsOwnThreads() throws Exception {
        Process server = probe("native", 100_000);
        try {
            assertThat(server.waitFor(180, TimeUnit.SECONDS)).as("killed (or done) within 3 min").isTrue();
            List<String> out = output(server).lines().toList();
            assertThat(out).as("never got to the end").isSubsetOf("attacking");
            assertThat(server.exitValue()).as("killed by SIGKILL: %s", out).isEqualTo(128 + Signals.SIGKILL);
        } finally {
            server.destroyForcibly();
        }
    }
}
