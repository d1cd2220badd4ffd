package org.tracegate.process;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Ends the server's programs when the server dies, however it dies (SIGKILL included): a small Perl process
 * (perl-base is part of every Debian system) started once, reading a close-on-exec pipe whose write end only the
 * server holds. The server writes "+PGID" when it starts a program and "-PGID" when it is done with the group; on
 * EOF the guardian sends SIGTERM to every group still listed, SIGKILL after the grace, and exits (guardian.pl).
 * PR_SET_PDEATHSIG cannot do this: posix_spawn cannot set it, and it fires when the spawning thread exits.
 *
 * <p>The guardian leads its own process group, so no group kill of ours reaches it, and programs never inherit its
 * pipe (close-on-exec, and closefrom(3) in every spawn). If it dies, the server says so on stderr, starts a new one
 * and sends it every group it still owns. Its write end is non-blocking: a guardian that stops reading is replaced
 * rather than allowed to stall spawns.
 */
final class Guardian {
    static final Guardian INSTANCE = new Guardian();

    private static final String PERL = "/usr/bin/perl";
    /** How long programs get between SIGTERM and SIGKILL once the server is gone. */
    static final Duration GRACE = Duration.ofMillis(Long.getLong("tracegate.guardian.graceMillis", 2000));
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final String script = loadScript();
    /** The write end, or -1 while there is no guardian. Replaced under GROUP_LOCK's write lock. */
    private volatile int writeFd = -1;
    private volatile NativeChild process;
    private boolean started;
    private long startedAt;
    /** Guardians in a row that died within {@link #YOUNG} of their start. */
    private int youngDeaths;
    private static final Duration YOUNG = Duration.ofSeconds(10);

    private Guardian() {}

    /** Starts the guardian once per JVM; called by every NativeLauncher constructor. */
    synchronized void ensureStarted() {
        if (started) return;
        started = true;
        NativeChild.GROUP_LOCK.writeLock().lock();
        try {
            start();
        } finally {
            NativeChild.GROUP_LOCK.writeLock().unlock();
        }
    }

    /** The guardian's pid, or -1 when there is none (for tests). */
    long pid() {
        NativeChild p = process;
        return p == null ? -1 : p.pid();
    }

    /** A group we now own. Call with GROUP_LOCK held (read or write). */
    void watch(int pgid) {
        send('+', pgid);
    }

    /** A group we are done with. Call with GROUP_LOCK held. */
    void forget(int pgid) {
        send('-', pgid);
    }

    private void send(char op, int pgid) {
        int fd = writeFd;
        if (fd < 0) return;
        byte[] line = (op + Integer.toString(pgid) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (Arena arena = Arena.ofConfined()) {
            Libc.write(fd, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, line)); // < PIPE_BUF: atomic
        } catch (Errno e) {
            if (e.errno() == Errno.EAGAIN) {
                NativeChild p = process;
                System.err.println("tracegate: the guardian (pid " + (p == null ? "?" : p.pid())
                        + ") does not read its pipe; replacing it");
                // Not terminate(): we hold GROUP_LOCK's read lock, and it takes the write lock. The pid cannot be
                // reused while the guardian is our unreaped child. Its reaping starts a new one, told every group.
                try {
                    if (p != null) Libc.kill((int) p.pid(), Signals.SIGKILL);
                } catch (Errno gone) {
                    // already dead: its reaping restarts it all the same
                }
            }
            // EPIPE: it died; the restart after its reaping sends every group again.
        }
    }

    /** Starts a guardian and tells it every group we own. Call with GROUP_LOCK's write lock held. */
    private void start() {
        int[] pipe = {-1, -1};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pair = arena.allocate(JAVA_INT, 2);
            Libc.pipe2(pair, Libc.O_CLOEXEC);
            pipe[0] = pair.getAtIndex(JAVA_INT, 0);
            pipe[1] = pair.getAtIndex(JAVA_INT, 1);
            Libc.fcntl(pipe[1], Libc.F_SETFL, Libc.O_NONBLOCK);
            LaunchSpec spec = new LaunchSpec(List.of(PERL, "-e", script, Long.toString(GRACE.toMillis())),
                    Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C"), Path.of("/"), null, ResourceLimits.INHERITED);
            // The guardian's stdin is the pipe; stdout and stderr are the server's stderr.
            int[] fds = {pipe[0], -1, -1, 2, -1, 2};
            MemorySegment pidOut = arena.allocate(JAVA_INT);
            int rc = NativeLauncher.spawn(arena, spec, fds, pidOut).rc();
            Libc.close(pipe[0]);
            pipe[0] = -1;
            if (rc != 0) {
                Libc.close(pipe[1]);
                System.err.println("tracegate: no guardian (cannot execute " + PERL + ": " + Errno.name(rc)
                        + "): programs running when the server is killed will outlive it");
                return;
            }
            int pid = pidOut.get(JAVA_INT, 0);
            NativeChild child = new NativeChild(pid, new long[0], OutputStream.nullOutputStream(),
                    InputStream.nullInputStream(), InputStream.nullInputStream(), false, ExitSource.JVM);
            writeFd = pipe[1];
            startedAt = System.nanoTime();
            for (int pgid : NativeChild.groups()) if (pgid != pid) watch(pgid);
            // Published only once it knows every group: GuardianTest kills the server as soon as it sees the new pid,
            // and a group sent after that would never be ended.
            process = child;
            Reaper.INSTANCE.register(child);
            child.onExit().thenAccept(status -> restart(child, status));
        } catch (LaunchException | RuntimeException e) { // never let the guardian keep programs from starting
            if (pipe[0] >= 0) Libc.close(pipe[0]);
            if (pipe[1] >= 0 && writeFd != pipe[1]) Libc.close(pipe[1]);
            System.err.println("tracegate: no guardian (" + e.getMessage() + "): programs running when the server"
                    + " is killed will outlive it");
        }
    }

    /** Runs on a virtual thread once the guardian has been reaped. */
    private void restart(NativeChild dead, ExitStatus status) {
        // Restarted at once; one that dies young again and again (a broken perl?) after 1, 2, 4 ... 60 s.
        youngDeaths = System.nanoTime() - startedAt < YOUNG.toNanos() ? youngDeaths + 1 : 0;
        Duration backoff = youngDeaths <= 1 ? Duration.ZERO
                : min(Duration.ofSeconds(1L << Math.min(youngDeaths - 2, 6)), MAX_BACKOFF);
        System.err.println("tracegate: the guardian (pid " + dead.pid() + ") ended with " + status.describe()
                + "; starting a new one" + (backoff.isZero() ? "" : " in " + backoff.toSeconds() + " s"));
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        NativeChild.GROUP_LOCK.writeLock().lock();
        try {
            if (process != dead) return;
            Libc.close(writeFd);
            writeFd = -1;
            process = null;
            start();
        } finally {
            NativeChild.GROUP_LOCK.writeLock().unlock();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String loadScript() {
        try (InputStream in = Guardian.class.getResourceAsStream("guardian.pl")) {
            if (in == null) throw new IllegalStateException("guardian.pl is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
