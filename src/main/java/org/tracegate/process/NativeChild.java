package org.tracegate.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A program started natively, by {@link NativeLauncher} or through the spawn helper ({@link HelperLauncher}): leader of
 * its own process group (pgid == pid), with our ends of its pipes as streams. Who reaps it and reports its exit is its
 * {@link ExitSource}: the JVM's {@link Reaper} for our own children, the helper's connection for the helper's; either
 * calls {@link #reaped()} and then {@link #complete}. Everything else (streams, terminate with its pid-reuse
 * protection, escaped processes) is the same for both.
 */
final class NativeChild implements ChildProcess {

    /** Sends the delayed SIGKILLs; kill(2) never blocks, so one daemon thread is plenty. */
    private static final ScheduledExecutorService KILLER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tracegate-killer").daemon().factory());

    /*
     * Pid reuse and group kills. Until the leader is reaped its pid cannot be reused, and while any
     * member of the group lives the pgid cannot be reused either (the kernel keeps the id in use), so
     * kill(-pid) reaches our group or, once it is empty, nobody (ESRCH). The number becomes free only
     * when the leader is reaped AND the group is empty; if our own launcher then gets it back for a new
     * child (likely enough: pid_max is often 32768), that child leads a group with the same id. NEWEST maps
     * each pid to the latest child we started with it, and a child signals its group only while no newer
     * child holds the number. GROUP_LOCK makes "spawn, then record in NEWEST" atomic with respect to the
     * check-and-kill. A foreign process reusing the number as a group leader within the grace period
     * remains possible in theory; it needs the whole pid space to wrap around in that time.
     */
    private static final Map<Integer, NativeChild> NEWEST = new ConcurrentHashMap<>();
    static final ReadWriteLock GROUP_LOCK = new ReentrantReadWriteLock();

    private final int pid;
    private final ExitSource source;
    /** The inodes of the three pipes (stdin, stdout, stderr): how {@link #endEscaped} recognises their holders. */
    private final long[] pipeInodes;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    /** Holds a {@link LargePipes} share until the pipes are closed. */
    private final AtomicBoolean largePipe;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    /** null while running; SELF set by the reaper unless a terminate() came first. */
    private final AtomicReference<EndedBy> endedBy = new AtomicReference<>();
    private final AtomicBoolean terminating = new AtomicBoolean();
    private volatile boolean reaped;

    /** Call with GROUP_LOCK's read lock held, right after the spawn. */
    NativeChild(int pid, long[] pipeInodes, OutputStream stdin, InputStream stdout, InputStream stderr, boolean largePipe,
                ExitSource source) {
        this.pid = pid;
        this.source = source;
        this.pipeInodes = pipeInodes.clone();
        this.largePipe = new AtomicBoolean(largePipe);
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        NEWEST.put(pid, this);
    }

    @Override public long pid() { return pid; }
    @Override public OutputStream stdin() { return stdin; }
    @Override public InputStream stdout() { return stdout; }
    @Override public InputStream stderr() { return stderr; }

    /** A copy, so callers cannot complete our future. */
    @Override public CompletableFuture<ExitStatus> onExit() { return exit.copy(); }

    @Override
    public EndedBy endedBy() {
        EndedBy who = endedBy.get();
        return who == null ? EndedBy.SELF : who;
    }

    @Override
    public void terminate(EndedBy who, Duration grace) {
        endedBy.compareAndSet(null, who);
        if (!terminating.compareAndSet(false, true)) return;
        signalGroup(Signals.SIGTERM);
        // The SIGKILL goes to the group even if the leader has been reaped by then: a grandchild may
        // outlive it (see the pid reuse note above for why that is safe).
        KILLER.schedule(() -> {
            signalGroup(Signals.SIGKILL);
            releaseGroup();
        }, nanos(grace), TimeUnit.NANOSECONDS);
    }

    /**
     * We are done with the group number: drop it from NEWEST and from the guardian's list, exactly once and only
     * while the number is still ours. Under the write lock, so a "-" for this pid reaches the guardian before the
     * "+" of a newer child that gets the same number (its spawn holds the read lock).
     */
    private void releaseGroup() {
        GROUP_LOCK.writeLock().lock();
        try {
            if (NEWEST.remove(pid, this)) source.released(pid);
        } finally {
            GROUP_LOCK.writeLock().unlock();
        }
    }

    /** Whether {@code pid} names a child we started and still account for (its spawn may still be returning). */
    static boolean isOurs(int pid) {
        return NEWEST.containsKey(pid);
    }

    /** The group numbers we currently account for, for a new guardian. Call with GROUP_LOCK held. */
    static java.util.Set<Integer> groups() {
        return java.util.Set.copyOf(NEWEST.keySet());
    }

    @Override
    public int endEscaped(Duration grace) {
        List<Integer> pidfds = new ArrayList<>();
        for (EscapedProcesses.Proc p : EscapedProcesses.find(pipeInodes, pid)) {
            int pidfd;
            try {
                pidfd = Libc.pidfdOpen(p.pid());
            } catch (Errno gone) {
                continue;
            }
            // The pidfd pins one process; the start time proves it is the one the scan saw, not a pid reuse.
            EscapedProcesses.Proc now = EscapedProcesses.stat(p.pid());
            if (now == null || now.startTime() != p.startTime()) {
                Libc.close(pidfd);
                continue;
            }
            try {
                Libc.pidfdSendSignal(pidfd, Signals.SIGTERM);
                pidfds.add(pidfd);
            } catch (Errno e) {
                Libc.close(pidfd); // it exited meanwhile
            }
        }
        if (!pidfds.isEmpty()) {
            KILLER.schedule(() -> {
                for (int pidfd : pidfds) {
                    try {
                        Libc.pidfdSendSignal(pidfd, Signals.SIGKILL);
                    } catch (Errno gone) {
                        // exited on SIGTERM
                    }
                    Libc.close(pidfd);
                }
            }, nanos(grace), TimeUnit.NANOSECONDS);
        }
        return pidfds.size();
    }

    private static long nanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    void signalGroup(int signal) {
        GROUP_LOCK.writeLock().lock();
        try {
            NativeChild newest = NEWEST.get(pid);
            if (newest != null && newest != this) return; // the number now names a newer child's group
            Libc.kill(-pid, signal);
        } catch (Errno e) {
            // ESRCH: the group is empty. EPERM: a member changed credentials; nothing more we can do.
        } finally {
            GROUP_LOCK.writeLock().unlock();
        }
    }

    @Override
    public void closePipes() {
        closeQuietly(stdin);
        closeQuietly(stdout);
        closeQuietly(stderr);
        if (largePipe.compareAndSet(true, false)) LargePipes.release();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // A pipe close can only fail on a broken pipe flush, which is no concern of ours here.
        }
    }

    /** Its exit source has collected the exit status (the Reaper, on its thread; a helper's connection, not on its reader). */
    void reaped() {
        reaped = true;
        endedBy.compareAndSet(null, EndedBy.SELF);
        if (!terminating.get()) releaseGroup(); // else the delayed SIGKILL still needs the number, and releases it
    }

    void complete(ExitStatus status) {
        exit.complete(status);
    }

    @Override
    public String toString() {
        return "NativeChild[pid=" + pid + ", reaped=" + reaped + ", " + source + "]";
    }
}
