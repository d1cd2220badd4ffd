package org.tracegate.process;

import java.util.function.Consumer;

/**
 * Starts programs. Implementations: the spawn helper (a root server), native posix_spawn over FFM on Linux, and
 * ProcessBuilder elsewhere.
 */
public interface ProcessLauncher {

    /**
     * Starts the program in a new process group with cwd, argv and environment exactly as given.
     *
     * @throws LaunchException when exec fails (the errno tells why)
     */
    ChildProcess launch(LaunchSpec spec) throws LaunchException;

    /** "spawn-helper", "posix_spawn" or "ProcessBuilder", for logs and traces. */
    String name();

    /** {@link #platformDefault(Consumer)} reporting to standard error. */
    static ProcessLauncher platformDefault() {
        return Launchers.platformDefault(System.err::println);
    }

    /**
     * The best launcher for this platform: the spawn helper for a root server that has it, else native when Linux and
     * FFM work, else ProcessBuilder (docs/process.md, "Choosing").
     *
     * @param problems where the launcher reports what the operator should know (the helper died and was replaced; a
     *                 root server without the helper), one line each: the server's error log
     */
    static ProcessLauncher platformDefault(Consumer<String> problems) {
        return Launchers.platformDefault(problems);
    }
}
