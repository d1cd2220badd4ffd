package org.tracegate.cli;

import java.util.List;

/** Runs {@code tracegate trace …} in-process with captured output. */
record TraceCli(int exit, String out, String err) {

    static TraceCli run(String... args) {
        Cli c = Cli.runOn(new TraceCommand(), args);
        return new TraceCli(c.exit(), c.out(), c.err());
    }

    List<String> lines() {
        return out.lines().toList();
    }
}
