package org.tracegate.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Starts programs through the spawn helper (src/main/c/tracegate-spawn.c, docs/process.md): a small root process
 * that clones, sets the limits, switches credentials and execs, so that no thread of the server ever holds a program
 * user's identity, the limits are in place before the program's first instruction, and the helper, not a Perl
 * guardian, ends the programs when the server dies. Its children are {@link NativeChild}ren like NativeLauncher's:
 * same streams and pipes, same terminate (kill(-pgid) from here, with the pid-reuse protection), same endEscaped.
 *
 * <p>One helper per launcher, started by the constructor; one that dies is reported to {@code problems} and
 * replaced at the next launch. Each start writes the binary to a private directory and removes it as soon as the
 * helper runs, so nothing is left on disk however the server and the helper end. {@link #close()} ends the helper
 * and its programs.
 */
public final class HelperLauncher implements ProcessLauncher, AutoCloseable {
    /** How long programs get between SIGTERM and SIGKILL once the server is gone (the guardian's property). */
    static final Duration GRACE = Duration.ofMillis(Long.getLong("tracegate.guardian.graceMillis", 2000));

    private final Consumer<String> problems;
    private final Object lock = new Object();
    private SpawnHelper helper; // guarded by lock; replaced when it died
    private boolean closed;

    /** Reports to standard error. */
    public HelperLauncher() {
        this(System.err::println);
    }

    /**
     * Writes the helper's binary to a private directory and starts it.
     *
     * @param problems where a helper's death and other trouble is reported (the server's error log)
     * @throws IllegalStateException with one sentence saying why, when the helper cannot be had (e.g. "this build was
     *                               made without gcc", a noexec temp directory)
     */
    public HelperLauncher(Consumer<String> problems) {
        this.problems = Objects.requireNonNull(problems);
        NativeLauncher.prepare(); // the helper itself is started by posix_spawn and reaped by the Reaper
        try {
            helper = startHelper(problems);
        } catch (SpawnHelper.Unavailable e) {
            throw new IllegalStateException("no spawn helper: " + e.getMessage());
        }
    }

    /**
     * Writes the binary, starts it and removes it again once it has said HELLO: a running program needs no file, and
     * so none is left behind even when the server and the helper are both SIGKILLed.
     */
    private static SpawnHelper startHelper(Consumer<String> problems) throws SpawnHelper.Unavailable {
        HelperBinary binary = HelperBinary.extract();
        try {
            return SpawnHelper.start(binary.file, binary.directory, GRACE, problems);
        } finally {
            binary.delete();
        }
    }

    /** Null when this build carries a spawn helper for this machine, else why not ("this build was made without gcc"). */
    public static String unavailableBecause() {
        return HelperBinary.missing();
    }

    @Override
    public String name() { return "spawn-helper"; }

    /** The running helper's pid, or -1 (tests). */
    long helperPid() {
        synchronized (lock) {
            return helper == null || helper.isDead() ? -1 : helper.pid();
        }
    }

    /** The current helper, started anew if the last one died. */
    private SpawnHelper helper() throws LaunchException {
        synchronized (lock) {
            if (closed) throw new LaunchException("the spawn launcher is closed", 0, "EUNKNOWN");
            if (helper == null || helper.isDead()) {
                try {
                    helper = startHelper(problems);
                } catch (SpawnHelper.Unavailable e) {
                    helper = null;
                    throw new LaunchException("cannot start the spawn helper: " + e.getMessage(), 0, "EUNKNOWN");
                }
            }
            return helper;
        }
    }

    @Override
    public ChildProcess launch(LaunchSpec spec) throws LaunchException {
        String program = spec.argv().getFirst();
        // fds as NativeLauncher has them: [0] stdin read (child), [1] stdin write (us), [2] stdout read (us),
        // [3] stdout write (child), [4] stderr read (us), [5] stderr write (child)
        int[] fds = {-1, -1, -1, -1, -1, -1};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment request = HelperProtocol.spawn(arena, spec); // refuses NUL bytes before any pipe exists
            long[] inodes = NativeLauncher.descriptors(arena, spec, fds); // fds[0] the listening socket, if any
            for (int attempt = 1; ; attempt++) {
                SpawnHelper h = helper();
                if (request.byteSize() > h.maxMessage()) throw HelperProtocol.tooLong(spec, request.byteSize(), h.maxMessage());
                try {
                    return launchOn(h, spec, request, fds, inodes);
                } catch (SpawnHelper.GoneBeforeSending gone) {
                    // Nothing was started: a new helper may take it. Twice in a row is not chance.
                    if (attempt == 2) {
                        throw new LaunchException("cannot start \"" + program + "\": " + gone.getMessage(), 0, "EUNKNOWN");
                    }
                }
            }
        } catch (Errno e) {
            throw new LaunchException("cannot start \"" + program + "\": " + e.getMessage(), e.errno(), Errno.name(e.errno()));
        } finally {
            NativeLauncher.closeAll(fds); // no-op for the slots the child's streams own
        }
    }

    private ChildProcess launchOn(SpawnHelper h, LaunchSpec spec, MemorySegment request, int[] fds, long[] inodes)
            throws LaunchException, SpawnHelper.GoneBeforeSending {
        String program = spec.argv().getFirst();
        SpawnHelper.Request r;
        NativeChild child;
        IOException failure = null;
        NativeChild.GROUP_LOCK.readLock().lock();
        try {
            r = h.spawn(request, fds[0], fds[3], fds[5]);
            // The helper has its own copies of the child's ends; ours are closed by launch() once the streams exist
            // (a FIFO open through /proc, without the sun.nio.ch export, waits for the other side).
            switch (r.reply.join()) {
                case SpawnHelper.Failed f -> throw failure(spec, f.step(), f.errno());
                case SpawnHelper.Gone g -> throw new LaunchException("cannot start \"" + program + "\": " + g.why()
                        + " while starting it", 0, "EUNKNOWN");
                case SpawnHelper.Spawned s -> {
                    boolean largePipe = LargePipes.enlarge(fds[2]);
                    try {
                        NativeLauncher.Streams streams = NativeLauncher.openStreams(fds);
                        child = new NativeChild(s.pid(), inodes, streams.in(), streams.out(), streams.err(), largePipe, h);
                        largePipe = false;
                    } catch (IOException e) {
                        failure = e;
                        child = new NativeChild(s.pid(), inodes, OutputStream.nullOutputStream(),
                                InputStream.nullInputStream(), InputStream.nullInputStream(), false, h);
                    } finally {
                        if (largePipe) LargePipes.release();
                    }
                }
            }
        } finally {
            NativeChild.GROUP_LOCK.readLock().unlock();
        }
        r.attach(child); // an exit that came meanwhile is delivered now
        if (failure != null) {
            child.terminate(EndedBy.SELF, Duration.ZERO);
            throw new LaunchException("cannot open the pipes of \"" + program + "\": " + failure.getMessage(), 0, "EUNKNOWN");
        }
        return child;
    }

    /** The message for a FAILED(step, errno), worded as NativeLauncher words the same failure. */
    static LaunchException failure(LaunchSpec spec, int step, int errno) {
        String program = spec.argv().getFirst();
        String what = Errno.name(errno) + " (" + Libc.strerror(errno) + ")";
        String as = spec.credentials() == null ? "" : " as uid " + spec.credentials().uid();
        String message;
        if (step == HelperProtocol.STEP_EXECVE) {
            message = NativeLauncher.execFailure(spec, errno) + nprocHint(spec, errno);
        } else if (step == HelperProtocol.STEP_CHDIR) {
            message = "cannot change to directory \"" + spec.workingDirectory() + "\" to execute \"" + program + "\"" + as
                    + ": " + what;
        } else if (step >= HelperProtocol.STEP_SETRLIMIT && step < HelperProtocol.STEP_SETRLIMIT + 6) {
            HelperProtocol.Limit l = HelperProtocol.LIMITS.get(step - HelperProtocol.STEP_SETRLIMIT);
            OptionalLong v = l.value().apply(spec.limits());
            message = "cannot apply the limits of \"" + program + "\": " + l.name() + "="
                    + (v.isPresent() ? Long.toString(v.getAsLong()) : "?") + ": setrlimit: " + what;
        } else if (step >= HelperProtocol.STEP_SETGROUPS && step <= HelperProtocol.STEP_SETEUID
                || step == HelperProtocol.STEP_SETRESUID) {
            message = "cannot run the program as " + spec.credentials().describe() + ": " + HelperProtocol.stepName(step)
                    + ": " + what;
        } else {
            message = "cannot start \"" + program + "\"" + as + ": " + HelperProtocol.stepName(step) + ": " + what;
        }
        return new LaunchException(message, errno, Errno.name(errno));
    }

    /** execve says EAGAIN when the user already has RLIMIT_NPROC processes: say which limit that is. */
    private static String nprocHint(LaunchSpec spec, int errno) {
        if (errno != Errno.EAGAIN || spec.limits().processes().isEmpty()) return "";
        return "; its user already has as many processes as its processes limit (" + spec.limits().processes().getAsLong() + ")";
    }

    /**
     * Ends the helper: programs still running are killed and their onExit() completes with a lost status, and the
     * helper exits. Idempotent; later launches fail.
     */
    @Override
    public void close() {
        SpawnHelper h;
        synchronized (lock) {
            if (closed) return;
            closed = true;
            h = helper;
            helper = null;
        }
        if (h != null) h.close(GRACE.plusSeconds(2));
    }

    // ---- the shared default -----------------------------------------------------------------------------------

    private static HelperLauncher shared;
    private static String sharedFailure;
    private static volatile Consumer<String> sharedProblems = System.err::println;

    /**
     * The one helper launcher {@link ProcessLauncher#platformDefault} hands out (never closed: its helper ends with
     * the JVM), or null when none can be had ({@link #sharedFailure()} says why). Its problems go to the reporter
     * given last.
     */
    static synchronized HelperLauncher shared(Consumer<String> problems) {
        sharedProblems = Objects.requireNonNull(problems);
        if (shared == null && sharedFailure == null) {
            try {
                shared = new HelperLauncher(line -> sharedProblems.accept(line));
            } catch (IllegalStateException e) {
                sharedFailure = e.getMessage();
            }
        }
        return shared;
    }

    static synchronized String sharedFailure() {
        return sharedFailure;
    }
}
