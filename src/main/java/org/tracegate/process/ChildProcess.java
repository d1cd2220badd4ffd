package org.tracegate.process;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A running program in its own process group. Its three pipes are the only descriptors it inherited.
 * Its streams block: callers read and write them on pooled platform threads (see docs/architecture.md).
 */
public interface ChildProcess {

    long pid();

    /** The program's stdin; closing it sends EOF. */
    OutputStream stdin();

    InputStream stdout();

    InputStream stderr();

    /** Completes once the process has been reaped; never completes exceptionally. */
    CompletableFuture<ExitStatus> onExit();

    /**
     * Ends the whole process group: records {@code who} (first caller wins), sends SIGTERM to the group,
     * and SIGKILL to the group after {@code grace} if the process has not been reaped by then.
     * Returns at once; safe to call many times and after exit.
     */
    void terminate(EndedBy who, Duration grace);

    /**
     * Ends the program's escaped processes: those holding one of its pipes outside its process group (a setsid
     * daemon keeping stdout open, say), and their descendants outside the group. SIGTERM now, SIGKILL after
     * {@code grace}; returns at once with how many processes it signalled (0 when none, and always 0 for the
     * ProcessBuilder fallback). Scans /proc, so call it from the close path when EOF does not come after the
     * group is gone, not per read.
     */
    int endEscaped(Duration grace);

    /** Who ended it: {@link EndedBy#SELF} unless {@link #terminate} was called before it exited. */
    EndedBy endedBy();

    /** Closes our ends of the three pipes (idempotent). Does not kill the process. */
    void closePipes();
}
