package org.tracegate.cli;

import picocli.CommandLine.Model.CommandSpec;

/** A command that only groups subcommands was run without one: that is bad usage, not a request for help. */
final class Usage {
    private Usage() {}

    /** Prints the usage of {@code spec}'s command to stderr and returns exit status 2. */
    static int missingCommand(CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().flush();
        return 2;
    }
}
