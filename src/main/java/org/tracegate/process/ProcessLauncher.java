package org.tracegate.process;

/** Starts programs. Implementations: native posix_spawn over FFM on Linux, ProcessBuilder elsewhere. */
public interface ProcessLauncher {

    /**
     * Starts the program in a new process group with cwd, argv and environment exactly as given.
     *
     * @throws LaunchException when exec fails (the errno tells why)
     */
    ChildProcess launch(LaunchSpec spec) throws LaunchException;

    /** "posix_spawn" or "ProcessBuilder", for logs and traces. */
    String name();

    /** The best launcher for this platform: native when Linux and FFM work, else ProcessBuilder. */
    static ProcessLauncher platformDefault() {
        return Launchers.platformDefault();
    }
}
