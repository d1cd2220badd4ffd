package org.tracegate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code tracegate …} in-process with captured output. */
record Cli(int exit, String out, String err) {

    static Cli run(String... args) { return runOn(new Main(), args); }

    /** Runs {@code command} (a picocli command object: Main, or one of its subcommands alone) with {@code args}. */
    static Cli runOn(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    @Override
    public String toString() { return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err; }
}
