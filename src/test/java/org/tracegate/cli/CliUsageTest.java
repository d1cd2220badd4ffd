package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tracegate.config.Version;

/** What the command line says when it is used wrongly, and its version. */
class CliUsageTest {

    @Test
    void aGroupWithoutASubcommandIsBadUsageWithTheUsageOnStderr() {
        StdioCli root = StdioCli.cli();
        assertThat(root.code()).isEqualTo(2);
        assertThat(root.out()).isEmpty();
        assertThat(root.err()).startsWith("Usage: tracegate [-hV] [COMMAND]").contains("serve", "trace");

        StdioCli trace = StdioCli.cli("trace");
        assertThat(trace.code()).isEqualTo(2);
        assertThat(trace.out()).isEmpty();
        assertThat(trace.err()).startsWith("Usage: tracegate trace [-hV] [COMMAND]").contains("analyze", "convert");
    }

    @Test
    void theHelpHintNamesTheWholeCommand() {
        StdioCli analyze = StdioCli.cli("trace", "analyze");
        assertThat(analyze.code()).isEqualTo(2);
        assertThat(analyze.err()).isEqualTo("tracegate: Missing required parameter: 'FILE'\nTry 'tracegate trace analyze --help'.\n");

        StdioCli serve = StdioCli.cli("serve", "--bogus");
        assertThat(serve.err()).endsWith("Try 'tracegate serve --help'.\n");
        StdioCli root = StdioCli.cli("--bogus");
        assertThat(root.err()).endsWith("Try 'tracegate --help'.\n");
    }

    @Test
    void versionIsTheBuildsVersion() {
        StdioCli v = StdioCli.cli("--version");
        assertThat(v.code()).isZero();
        assertThat(v.out()).isEqualTo("tracegate " + Version.NUMBER + "\n");
    }
}
