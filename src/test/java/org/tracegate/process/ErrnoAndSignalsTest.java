package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class ErrnoAndSignalsTest {

    @Test
    void errnoNamesAndDescriptions() {
        assertThat(Errno.name(Errno.ENOENT)).isEqualTo("ENOENT");
        assertThat(Errno.name(Errno.ENAMETOOLONG)).isEqualTo("ENAMETOOLONG");
        assertThat(Errno.name(95)).isEqualTo("E95");
        assertThat(Errno.description("ENOENT")).isEqualTo("No such file or directory");
        assertThat(Errno.description("ENOEXEC")).isEqualTo("Exec format error");
        assertThat(Errno.description("E95")).isNull();
        assertThat(Errno.description("0")).isNull();
        assertThat(Errno.description(null)).isNull();
    }

    @Test
    void errnoDescriptionsAreGlibcsWords() {
        String lang = System.getenv().getOrDefault("LC_ALL", System.getenv().getOrDefault("LANG", "C"));
        assumeTrue(lang.isEmpty() || lang.equals("C") || lang.equals("POSIX") || lang.startsWith("C.") || lang.startsWith("en"),
                "strerror speaks the locale's language");
        for (int n = 1; n < 134; n++) {
            String name = Errno.name(n);
            if (Errno.description(name) != null) assertThat(Errno.description(name)).as(name).isEqualTo(Libc.strerror(n));
        }
    }

    @Test
    void signalNamesAndDescriptions() {
        assertThat(Signals.name(Signals.SIGSEGV)).isEqualTo("SIGSEGV");
        assertThat(Signals.name(64)).isEqualTo("SIG64");
        assertThat(Signals.description("SIGSEGV")).isEqualTo("Segmentation fault");
        assertThat(Signals.description("SIGKILL")).isEqualTo("Killed");
        assertThat(Signals.description("SIGUSR1")).isEqualTo("User defined signal 1");
        assertThat(Signals.description("SIGSYS")).isEqualTo("Bad system call");
        assertThat(Signals.description("SIG64")).isNull();
        assertThat(Signals.description("0")).isNull();
        assertThat(Signals.description("")).isNull();
        assertThat(Signals.description(null)).isNull();
        for (int n = 1; n <= 31; n++) assertThat(Signals.description(Signals.name(n))).as(Signals.name(n)).isNotBlank();
    }
}
