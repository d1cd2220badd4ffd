package org.tracegate.gateway.cgi;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.tracegate.process.Watchdog;

/**
 * The deadlines of one program run on the shared {@link Watchdog}, its output limit, and the first
 * {@link Cutoff} that ended it. The total deadline runs from the start of the run to its end, whatever the
 * program does (a daemon holding stdout open included); the header deadline covers the whole header block;
 * the idle deadline runs only while the relay waits on the program, never while it writes to the client.
 * The client leaving and the output limit are recorded here too, because they end the run the same way.
 * The first cutoff wins and alone calls {@code onCut}, which stops the program (how is the caller's
 * business: a process group and its escaped processes for CGI, an abort record for FastCGI).
 *
 * <p>The relay thread arms and disarms; the watchdog and the client probe call {@link #cut} concurrently.
 */
public final class Deadlines {
    private final Watchdog watchdog;
    private final Duration header;
    private final Duration idle;
    private final long outputLimit;
    private final Consumer<Cutoff> onCut;
    private final AtomicReference<Cutoff> cutoff = new AtomicReference<>();
    private final Watchdog.Deadline totalDeadline;
    private Watchdog.Deadline headerDeadline;
    private Watchdog.Deadline idleDeadline;

    /** Without a total deadline or output limit (tests of the relays alone). */
    public Deadlines(Watchdog watchdog, Duration header, Duration idle, Consumer<Cutoff> onCut) {
        this(watchdog, null, header, idle, 0, onCut);
    }

    /**
     * Arms the total deadline at once: the run starts now.
     *
     * @param total       the whole run, or null for none
     * @param outputLimit response body bytes allowed, 0 for no limit
     */
    public Deadlines(Watchdog watchdog, Duration total, Duration header, Duration idle, long outputLimit,
                     Consumer<Cutoff> onCut) {
        this.watchdog = watchdog;
        this.header = header;
        this.idle = idle;
        this.outputLimit = outputLimit;
        this.onCut = onCut;
        this.totalDeadline = total == null ? null : watchdog.arm(total, () -> cut(Cutoff.TOTAL_TIMEOUT));
    }

    /**
     * Whether a body of {@code total} bytes is still within the output limit; past it the run is cut
     * ({@link Cutoff#OUTPUT_LIMIT}) and the relay must stop.
     */
    public boolean outputWithin(long total) {
        if (outputLimit <= 0 || total <= outputLimit) return true;
        cut(Cutoff.OUTPUT_LIMIT);
        return false;
    }

    /** The header block starts: it must be complete within the header timeout. */
    public void headerStarted() { headerDeadline = watchdog.arm(header, () -> cut(Cutoff.HEADER_TIMEOUT)); }

    public void headerEnded() { disarm(headerDeadline); }

    /** The body starts: from now on the program must not stay silent for the idle timeout. */
    public void bodyStarted() { idleDeadline = watchdog.arm(idle, () -> cut(Cutoff.IDLE_TIMEOUT)); }

    /** The relay is about to wait on the program: the idle clock runs again from now. */
    public void awaitingProgram() { idleDeadline.touch(); }

    /** The program answered: the idle clock stops while we, not the program, are the slow side. */
    public void programAnswered() { idleDeadline.pause(); }

    public void bodyEnded() { disarm(idleDeadline); }

    /** Records why the run is being cut short; only the first reason counts and stops the program. */
    public void cut(Cutoff why) {
        if (cutoff.compareAndSet(null, why)) onCut.accept(why);
    }

    /** The first reason the run was cut short, or null when nothing cut it. */
    public Cutoff cutoff() { return cutoff.get(); }

    /** Disarms whatever is still armed: the run is over. */
    public void close() {
        disarm(totalDeadline);
        disarm(headerDeadline);
        disarm(idleDeadline);
    }

    private static void disarm(Watchdog.Deadline d) {
        if (d != null) d.cancel();
    }
}
