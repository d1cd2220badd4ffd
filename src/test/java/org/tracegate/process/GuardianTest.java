package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tracegate.process.Programs.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A server killed by SIGKILL leaves no program running beyond the guardian's grace. */
class GuardianTest {
    private static final Duration GRACE = Duration.ofSeconds(1);

    @ParameterizedTest
    @ValueSource(strings = {"", "replace-guardian", "helper"})
    void programsOfAServerKilledBySigkillAreGoneWithinTheGrace(String mode) throws Exception {
        if (mode.equals("helper")) {
            assumeTrue(HelperLauncher.unavailableBecause() == null, "no spawn helper in this build");
            assumeTrue(ProcStatus.ofThisThread().isRoot(), "the spawn helper is the launcher of a root server");
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-Dtracegate.guardian.graceMillis=" + GRACE.toMillis(),
                "-cp", System.getProperty("java.class.path"), GuardianProbe.class.getName()));
        if (!mode.isEmpty()) cmd.add(mode);
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Long> programs = new ArrayList<>();
        long guardian = -1;
        Path helperDir = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null && !line.equals("ready"); ) {
                if (line.startsWith("program ")) programs.add(Long.parseLong(line.substring(8)));
                if (line.startsWith("guardian ")) guardian = Long.parseLong(line.substring(9));
                if (line.startsWith("helperdir ")) helperDir = Path.of(line.substring(10));
                if (line.startsWith("perl-guardian ")) assertThat(line).as("the helper replaces the guardian").isEqualTo("perl-guardian -1");
            }
            assertThat(programs).hasSize(mode.equals("helper") ? 4 : 3);
            assertThat(guardian).isPositive();
            for (long pid : programs) assertThat(dead(pid)).as("program %d runs", pid).isFalse();
            // The guardian is in no program's group (nor the server's).
            assertThat(stat(guardian).pgrp()).isEqualTo(guardian);

            server.destroyForcibly(); // SIGKILL
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long killed = System.nanoTime();
            for (long pid : programs) awaitDead(pid, GRACE.plusSeconds(1).minusNanos(System.nanoTime() - killed));
            awaitDead(guardian, Duration.ofSeconds(2));
            if (helperDir != null) assertThat(helperDir).as("the helper removed its binary").doesNotExist();
        } finally {
            server.destroyForcibly();
            for (long pid : programs) if (!dead(pid)) Libc.kill((int) pid, Signals.SIGKILL);
        }
    }

    @Test
    void programsDoNotInheritTheGuardiansPipe() throws Exception {
        NativeLauncher launcher = new NativeLauncher();
        long guardian = Guardian.INSTANCE.pid();
        assertThat(guardian).isPositive();
        String pipe = Files.readSymbolicLink(Path.of("/proc/" + guardian + "/fd/0")).toString();
        assertThat(pipe).startsWith("pipe:");
        Result r = run(launcher, sh(Path.of("/"), "for f in /proc/$$/fd/*; do readlink $f; done"));
        assertThat(r.out().lines()).doesNotContain(pipe).hasSize(3);
    }
}
