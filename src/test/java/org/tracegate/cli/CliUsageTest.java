package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tracegate.cli.DiagnosticsEndToEndTest.Out;
import org.tracegate.config.Version;

/** What the command line says when it is used wrongly, and its version. */
class CliUsageTest {

    @Test
    void aGroupWithoutASubcommandIsBadUsageWithTheUsageOnStderr() {
        Out root = DiagnosticsEndToEndTest.cli();
        assertThat(root.code()).isEqualTo(2);
        assertThat(root.out()).isEmpty();
        assertThat(root.err()).startsWith("Usage: tracegate [-hV] [COMMAND]").contains("serve", "trace");

        Out trace = DiagnosticsEndToEndTest.cli("trace");
        assertThat(trace.code()).isEqualTo(2);
        assertThat(trace.out()).isEmpty();
        assertThat(trace.err()).startsWith("Usage: tracegate trace [-hV] [COMMAND]").contains("analyze", "convert");
    }

    @Test
    void theHelpHintNamesTheWholeCommand() {
        Out analyze = DiagnosticsEndToEndTest.cli("trace", "analyze");
        assertThat(analyze.code()).isEqualTo(2);
        assertThat(analyze.err()).isEqualTo("tracegate: Missing required parameter: 'FILE'\nTry 'tracegate trace analyze --help'.\n");

        Out serve = DiagnosticsEndToEndTest.cli("serve", "--bogus");
        assertThat(serve.err()).endsWith("Try 'tracegate serve --help'.\n");
        Out root = DiagnosticsEndToEndTest.cli("--bogus");
        assertThat(root.err()).endsWith("Try 'tracegate --help'.\n");
    }

    @Test
    void versionIsTheBuildsVersion() {
        Out v = DiagnosticsEndToEndTest.cli("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).isEqualTo("tracegate " + Version.NUMBER + "\n");
    }
}
