package org.tracegate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tracegate trace}: work with trace files. Subcommands are listed in {@code subcommands};
 * recording ({@code start}/{@code stop}) slots in by adding its classes there.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Record trace sessions from a running server; convert and analyze trace files (Tracegate sessions, IIS ETW rows, FREB fr*.xml, W3C logs).",
        subcommands = {
                TraceStartCommand.class,
                TraceStopCommand.class,
                TraceConvertCommand.class,
                TraceAnalyzeCommand.class,
        })
public final class TraceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Usage.missingCommand(spec);
    }

    /** Reports an unreadable input the same way in every subcommand: "tracegate: FILE: why". */
    static int unreadable(CommandLine cli, String message) {
        cli.getErr().println("tracegate: " + message);
        cli.getErr().flush();
        return 2;
    }
}
