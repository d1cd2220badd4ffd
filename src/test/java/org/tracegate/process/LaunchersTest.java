package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void linuxWithNativeAccessGetsPosixSpawn() {
        System.clearProperty(Launchers.PROPERTY);
        assertThat(Launchers.NativeProbe.FAILURE).isNull();
        assertThat(ProcessLauncher.platformDefault().name()).isEqualTo("posix_spawn");
    }

    @Test
    void propertyForcesALauncher() {
        System.setProperty(Launchers.PROPERTY, "processbuilder");
        assertThat(ProcessLauncher.platformDefault()).isInstanceOf(ProcessBuilderLauncher.class);
        System.setProperty(Launchers.PROPERTY, "Native");
        assertThat(ProcessLauncher.platformDefault()).isInstanceOf(NativeLauncher.class);
        System.setProperty(Launchers.PROPERTY, "fork");
        assertThatThrownBy(ProcessLauncher::platformDefault).hasMessageContaining("tracegate.launcher");
    }
}
