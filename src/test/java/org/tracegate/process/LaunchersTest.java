package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LaunchersTest {
    private final String saved = System.getProperty(Launchers.PROPERTY);

    @AfterEach
    void restore() {
        if (saved == null) System.clearProperty(Launchers.PROPERTY);
        else System.setProperty(Launchers.PROPERTY, saved);
    }

    @Test
    void aRootServerWithTheHelperGetsItAndOthersGetPosixSpawn() {
        System.clearProperty(Launchers.PROPERTY);
        assertThat(Launchers.NativeProbe.FAILURE).isNull();
        boolean root = ProcStatus.ofThisThread().isRoot();
        boolean helper = root && HelperLauncher.unavailableBecause() == null;
        List<String> said = new ArrayList<>();
        ProcessLauncher l = ProcessLauncher.platformDefault(said::add);
        assertThat(l.name()).isEqualTo(helper ? "spawn-helper" : "posix_spawn");
        if (helper) {
            assertThat(ProcessLauncher.platformDefault(said::add)).as("one helper launcher per JVM").isSameAs(l);
            assertThat(said).isEmpty();
        }
    }

    @Test
    void theBuildCarriesTheHelperWhenGccIsThere() {
        boolean gcc = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, "gcc")));
        assumeTrue(gcc, "built without gcc: the fallback is tested by hand (docs/process.md)");
        assertThat(HelperLauncher.unavailableBecause()).isNull();
    }

    @Test
    void propertyForcesALauncher() {
        System.setProperty(Launchers.PROPERTY, "processbuilder");
        assertThat(ProcessLauncher.platformDefault()).isInstanceOf(ProcessBuilderLauncher.class);
        System.setProperty(Launchers.PROPERTY, "Native");
        assertThat(ProcessLauncher.platformDefault()).isInstanceOf(NativeLauncher.class);
        if (HelperLauncher.unavailableBecause() == null) {
            System.setProperty(Launchers.PROPERTY, "helper");
            assertThat(ProcessLauncher.platformDefault()).isInstanceOf(HelperLauncher.class);
        }
        System.setProperty(Launchers.PROPERTY, "fork");
        assertThatThrownBy(ProcessLauncher::platformDefault).hasMessageContaining("tracegate.launcher");
    }
}
