package org.tracegate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tracegate.offline.OfflineRunner;
import org.tracegate.offline.RecordedRequest;
import org.tracegate.offline.Replay;
import org.tracegate.offline.Tool;
import org.tracegate.traceformats.TraceFile;
import org.tracegate.traceformats.TraceFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracegate replay TRACE [--request ID] [--gdb | --strace | --valgrind] [--env KEY=VALUE]...}. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run the program of a recorded failed request again, offline: the same argv, working directory, "
                + "environment and request body, as the recorded user (never as root unless the trace's program ran "
                + "as root), and show what it did and whether the server would answer as it did then.",
                "TRACE is a FREB fr*.xml file or a session file. Never talks to a running server.",
                "Exit status: 0 replayed (whatever the outcome), 1 it could not be replayed, 2 bad usage "
                        + "(several failed requests and no --request: they are listed)."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "A FREB fr*.xml file or a Tracegate session file.")
    Path trace;

    @Option(names = "--request", paramLabel = "ID", description = "Which request (its ContextId / request id).")
    String request;

    @ArgGroup(exclusive = true)
    Under under;

    static final class Under {
        @Option(names = "--gdb", description = "Run it under gdb, stdin from the recorded body: batch (run, then bt) "
                + "unless stdin and stdout are a terminal.")
        boolean gdb;

        @Option(names = "--strace", description = "Run it under strace -f; the log's path is printed.")
        boolean strace;

        @Option(names = "--valgrind", description = "Run it under valgrind; the log's path is printed.")
        boolean valgrind;
    }

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "Set or change a variable of the recorded environment.")
    List<String> env = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Header and idle timeout; the total timeout is four times it (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        var overrides = EnvOption.parse(env, spec.commandLine());
        TraceFile file;
        try {
            file = TraceFiles.load(trace);
        } catch (IOException e) {
            spec.commandLine().getErr().println("tracegate replay: " + e.getMessage());
            return 2;
        }
        RecordedRequest rec;
        try {
            rec = RecordedRequest.from(file, request);
        } catch (RecordedRequest.Unusable e) {
            spec.commandLine().getErr().println("tracegate replay: " + e.getMessage());
            return e.usage ? 2 : 1;
        }
        Tool tool = under == null ? Tool.NONE : under.gdb ? Tool.GDB : under.strace ? Tool.STRACE : Tool.VALGRIND;
        boolean terminal = System.console() != null && System.console().isTerminal();
        try {
            return new Replay(OfflineRunner.defaultLauncher(), Duration.ofSeconds(Math.max(1, timeoutSeconds)))
                    .run(rec, trace + " (" + file.formatDescription() + ")", tool, overrides, terminal,
                            spec.commandLine().getOut(), spec.commandLine().getErr());
        } catch (IllegalArgumentException e) { // the recorded user cannot be switched to (RunAs, Credentials)
            spec.commandLine().getErr().println("tracegate replay: " + e.getMessage());
            return 1;
        }
    }
}
