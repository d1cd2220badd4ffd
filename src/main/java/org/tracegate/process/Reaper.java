package org.tracegate.process;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reaps every child of the native launcher on one daemon platform thread, "tracegate-reaper".
 *
 * <p>Each child gets a pidfd (readable once the process has exited) registered in one epoll set; the
 * epoll data is the pid. When it fires we {@code wait4(pid, WNOHANG)}: this cannot hit another process,
 * because until we reap it the exited child stays a zombie and its pid cannot be reused. Nobody needs to
 * call onExit() for this to happen, so children never linger as zombies. Registration (epoll_ctl ADD)
 * runs on the launching thread while the reaper sits in epoll_wait, which the kernel allows.
 *
 * <p>If pidfd_open fails (e.g. EMFILE), the child is polled with WNOHANG every 100 ms instead.
 *
 * <p>The JVM is also a child subreaper (PR_SET_CHILD_SUBREAPER): a program's descendants whose parent exits (double
 * forks, setsid daemons) are re-parented to us instead of init, so they stay findable ({@link EscapedProcesses}) and
 * we must reap them too. They have no pidfd here, so at least every {@link #ADOPTED_TICK_MILLIS} ms the reaper peeks
 * at an exited child with waitid(WNOWAIT), which reaps nothing, and wait4s it only if it is not one of ours (see
 * {@link #reapAdopted}): a blind waitpid(-1) would steal the exit status of a child we track.
 */
final class Reaper {
    static final Reaper INSTANCE = new Reaper();

    private static final System.Logger LOG = System.getLogger(Reaper.class.getName());
    private static final int MAX_EVENTS = 64;
    private static final int POLL_MILLIS = 100;
    static final int ADOPTED_TICK_MILLIS = 250;
    /** A zombie in our own process group gets this long to be reaped by the JDK (it is then a ProcessBuilder child). */
    private static final long JDK_CHILD_NANOS = 1_000_000_000L;
    private static final int OUR_PGRP = Libc.getpgrp();

    private final int epfd = Libc.epollCreate1(Libc.EPOLL_CLOEXEC);
    private final Map<Integer, Entry> byPid = new ConcurrentHashMap<>();
    /** Children without a pidfd, polled. */
    private final Map<Integer, NativeChild> polled = new ConcurrentHashMap<>();
    /**
     * onExit() is completed on a virtual thread: dependent stages run in the completing thread, and
     * caller code must never stall the reaper.
     */
    private final ExecutorService completer =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tracegate-exit-", 0).factory());

    private record Entry(NativeChild child, int pidfd) {}

    /** The untracked zombie in our own group seen first, and since when (reaper thread only). */
    private int suspect;
    private long suspectSince;
    private volatile long adopted; // written by the reaper thread only

    private Reaper() {
        try {
            Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1);
        } catch (Errno e) {
            LOG.log(System.Logger.Level.WARNING, "tracegate: cannot become child subreaper (" + e.getMessage()
                    + "): escaped daemons of programs are re-parented to init and not found");
        }
        Thread t = Thread.ofPlatform().name("tracegate-reaper").daemon().unstarted(this::run);
        t.start();
    }

    void register(NativeChild child) {
        int pid = (int) child.pid();
        int pidfd;
        try {
            pidfd = Libc.pidfdOpen(pid);
        } catch (Errno e) {
            polled.put(pid, child);
            return;
        }
        // In the map before epoll can report it: an already exited child fires at once.
        Entry entry = new Entry(child, pidfd);
        byPid.put(pid, entry);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ev = arena.allocate(Libc.EPOLL_EVENT);
            ev.set(ValueLayout.JAVA_INT, 0, Libc.EPOLLIN);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, Libc.EPOLL_EVENT_DATA, pid);
            Libc.epollCtl(epfd, Libc.EPOLL_CTL_ADD, pidfd, ev);
        } catch (Errno e) {
            byPid.remove(pid, entry);
            Libc.close(pidfd);
            polled.put(pid, child);
        }
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment events = arena.allocate(Libc.EPOLL_EVENT, MAX_EVENTS);
            MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment rusage = arena.allocate(Libc.RUSAGE);
            MemorySegment siginfo = arena.allocate(Libc.SIGINFO_BYTES, 8);
            while (true) {
                try {
                    int n;
                    try {
                        n = Libc.epollWait(epfd, events, MAX_EVENTS, polled.isEmpty() ? ADOPTED_TICK_MILLIS : POLL_MILLIS);
                    } catch (Errno e) {
                        if (e.errno() != Errno.EINTR) throw e;
                        n = 0;
                    }
                    for (int i = 0; i < n; i++) {
                        long data = events.get(ValueLayout.JAVA_LONG_UNALIGNED,
                                i * Libc.EPOLL_EVENT.byteSize() + Libc.EPOLL_EVENT_DATA);
                        Entry e = byPid.get((int) data);
                        if (e != null) reapReady((int) data, e, status, rusage);
                    }
                    for (NativeChild child : polled.values()) {
                        if (tryReap(child, status, rusage)) polled.remove((int) child.pid(), child);
                    }
                    reapAdopted(siginfo, status, rusage);
                } catch (Throwable t) {
                    // Keep reaping whatever happens: a dead reaper would leave every later child a zombie.
                    LOG.log(System.Logger.Level.ERROR, "tracegate-reaper: unexpected failure", t);
                }
            }
        }
    }

    private void reapReady(int pid, Entry e, MemorySegment status, MemorySegment rusage) {
        boolean done = tryReap(e.child(), status, rusage);
        // Once reaped, the pid may already belong to a newer child registered meanwhile: remove only ours.
        // Closing the pidfd drops it from the epoll set before the next epoll_wait, so no stale event
        // with this pid can reach the newer child.
        byPid.remove(pid, e);
        Libc.close(e.pidfd());
        // Readable pidfd but not yet waitable should not happen; poll it rather than spin on epoll.
        if (!done) polled.put(pid, e.child());
    }

    /** True once the child is reaped (or found already gone) and its onExit() completion is under way. */
    private boolean tryReap(NativeChild child, MemorySegment status, MemorySegment rusage) {
        ExitStatus exit;
        try {
            if (Libc.wait4((int) child.pid(), status, Libc.WNOHANG, rusage) == 0) return false;
            exit = exitStatus(status.get(ValueLayout.JAVA_INT, 0), rusage);
        } catch (Errno e) {
            if (e.errno() == Errno.EINTR) return false;
            // ECHILD: someone else reaped it (SIGCHLD set to SIG_IGN by native code). Nothing to report.
            exit = new ExitStatus(-1, 0, false, -1, -1);
        }
        child.reaped();
        ExitStatus result = exit;
        completer.execute(() -> child.complete(result));
        return true;
    }

    /**
     * Reaps exited children that we did not start: orphans re-parented to us. waitid(WNOWAIT) names one exited
     * child without reaping it, and it is wait4ed only if
     * <ul>
     *   <li>it is not tracked: not in our maps and not a spawn still returning (NEWEST, which the spawn fills under
     *       GROUP_LOCK's read lock; we decide under the write lock, so no such spawn is half-way);</li>
     *   <li>and it is outside our own process group, or has been a zombie there for a second: the JDK's
     *       ProcessBuilder children share our group, and the JDK reaps its own at once.</li>
     * </ul>
     * waitid shows only the first exited child, so a tracked one (its pidfd fires) or a fresh JDK zombie ends the
     * round; the next comes within {@link #ADOPTED_TICK_MILLIS}.
     */
    private void reapAdopted(MemorySegment siginfo, MemorySegment status, MemorySegment rusage) {
        for (int round = 0; round < MAX_EVENTS; round++) {
            int pid = Libc.peekExitedChild(siginfo);
            if (pid <= 0) return;
            NativeChild.GROUP_LOCK.writeLock().lock();
            try {
                if (byPid.containsKey(pid) || polled.containsKey(pid) || NativeChild.isOurs(pid)) return;
                EscapedProcesses.Proc p = EscapedProcesses.stat(pid);
                if (p != null && p.pgrp() == OUR_PGRP) {
                    long now = System.nanoTime();
                    if (pid != suspect) {
                        suspect = pid;
                        suspectSince = now;
                        return;
                    }
                    if (now - suspectSince < JDK_CHILD_NANOS) return;
                }
                Libc.wait4(pid, status, Libc.WNOHANG, rusage);
                adopted++;
            } catch (Errno e) {
                return; // ECHILD: someone else reaped it meanwhile
            } finally {
                NativeChild.GROUP_LOCK.writeLock().unlock();
            }
        }
    }

    /** How many adopted orphans this reaper has reaped (for tests and diagnostics). */
    long adoptedReaped() {
        return adopted;
    }

    /** Decodes a wait status (WIFEXITED/WEXITSTATUS, WTERMSIG, WCOREDUMP) and the rusage. */
    static ExitStatus exitStatus(int status, MemorySegment rusage) {
        long cpuMicros = micros(rusage, Libc.RU_UTIME) + micros(rusage, Libc.RU_STIME);
        return exitStatus(status, cpuMicros, rusage.get(ValueLayout.JAVA_LONG, Libc.RU_MAXRSS)); // KiB on Linux
    }

    /** Decodes a wait status with the CPU time (user + system, µs) and peak RSS (KiB) from its rusage. */
    static ExitStatus exitStatus(int status, long cpuMicros, long maxRssKiB) {
        long cpuMillis = cpuMicros / 1000;
        int termSig = status & 0x7f;
        if (termSig == 0) return new ExitStatus((status >> 8) & 0xff, 0, false, cpuMillis, maxRssKiB);
        return new ExitStatus(-1, termSig, (status & 0x80) != 0, cpuMillis, maxRssKiB);
    }

    private static long micros(MemorySegment rusage, long timevalOffset) {
        return rusage.get(ValueLayout.JAVA_LONG, timevalOffset) * 1_000_000
                + rusage.get(ValueLayout.JAVA_LONG, timevalOffset + Libc.TV_USEC);
    }
}
