package org.tracegate.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void plainTextIsUnchanged() {
        assertThat(LogText.escape("PHP Warning:\tcafé ünïcode")).isEqualTo("PHP Warning:\tcafé ünïcode");
    }

    @Test
    void aProgramCannotForgeOrHideALine() {
        assertThat(LogText.escape("ok\r2026-01-01 [x] fake line")).isEqualTo("ok\\r2026-01-01 [x] fake line");
        assertThat(LogText.escape("a\nb")).isEqualTo("a\\nb");
        assertThat(LogText.escape("\u001b[2K\u001b[1Ahidden")).isEqualTo("\\x1b[2K\\x1b[1Ahidden");
        assertThat(LogText.escape("nul\0del\u007fc1\u009b")).isEqualTo("nul\\x00del\\x7fc1\\x9b");
    }

    @Test
    void aBackslashIsDoubledSoEscapesAreUnambiguous() {
        assertThat(LogText.escape("\\x1b")).isEqualTo("\\\\x1b");
    }
}
