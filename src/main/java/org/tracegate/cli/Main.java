package org.tracegate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tracegate}: the command line. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or config. */
@Command(name = "tracegate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A CGI/1.1 application server that tells the operator exactly why a program failed.",
        subcommands = {ServeCommand.class, TraceCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("tracegate: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'tracegate " + ex.getCommandLine().getCommandName() + " --help'.");
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tracegate " + (v == null ? "dev" : v)};
        }
    }
}
