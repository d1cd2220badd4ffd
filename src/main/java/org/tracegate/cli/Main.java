package org.tracegate.cli;

import java.util.concurrent.Callable;
import org.tracegate.config.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tracegate}: the command line. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or config. */
@Command(name = "tracegate", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "A CGI/1.1 application server that tells the operator exactly why a program failed.",
        subcommands = {ServeCommand.class, TraceCommand.class, CheckConfigCommand.class, ReplayCommand.class,
                ProbeCommand.class, RequestsCommand.class, StatusCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("tracegate: " + ex.getMessage());
            // The qualified name ("tracegate trace analyze"), so the hint is a command that works as typed.
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        return Usage.missingCommand(spec);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tracegate " + Version.NUMBER};
        }
    }
}
