package org.tracegate.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts programs with glibc's posix_spawn through FFM: a vfork-style clone and one exec, in a new
 * process group, with exactly three inherited descriptors, and the exec errno reported to the caller.
 * A root server uses it only without the spawn helper ({@link HelperLauncher}): its user switch holds the program
 * user's uid on a server thread for the spawn, and its limits arrive by prlimit after the exec (docs/process.md).
 * posix_spawn blocks the calling thread only until the child has exec'd (CLONE_VFORK), like the JDK's own
 * launch; it is the one short native wait a virtual thread may make here.
 */
public final class NativeLauncher implements ProcessLauncher {

    /** Signals whose disposition the child gets reset to SIG_DFL (an ignored signal survives exec). */
    private static final int[] DEFAULT_SIGNALS = {
        Signals.SIGPIPE, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGHUP, Signals.SIGCHLD,
        Signals.SIGUSR1, Signals.SIGUSR2, Signals.SIGALRM, Signals.SIGXFSZ, Signals.SIGTSTP
    };
    private static final short SPAWN_FLAGS =
            Libc.POSIX_SPAWN_SETPGROUP | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;

    /** Fails (linkage error, IllegalCallerException) when FFM or a libc symbol is unavailable. */
    public NativeLauncher() {
        prepare();
        Guardian.INSTANCE.ensureStarted();
    }

    /**
     * Loads what a native spawn needs and starts the reaper, or fails (linkage error, IllegalCallerException): the
     * probe of {@link Launchers}, and the spawn helper's start, without starting a guardian.
     */
    static void prepare() {
        Objects.requireNonNull(Reaper.INSTANCE); // loads Libc and starts the reaper, or fails here
        // Loaded now rather than first used while a spawning thread holds a program's identity (CredentialSwitch).
        try {
            for (Class<?> c : new Class<?>[] {Prlimit.class, Errno.class, Spawned.class}) {
                java.lang.invoke.MethodHandles.lookup().ensureInitialized(c);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() { return "posix_spawn"; }

    @Override
    public ChildProcess launch(LaunchSpec spec) throws LaunchException {
        // Credentials belong to a kernel thread; a virtual thread could change carriers between two downcalls.
        if (spec.credentials() != null && Thread.currentThread().isVirtual()) {
            return CredentialSwitch.onPlatformThread(() -> launch(spec));
        }
        String program = spec.argv().getFirst();
        // fds: [0] stdin read (child), [1] stdin write (us), [2] stdout read (us), [3] stdout write (child),
        //      [4] stderr read (us), [5] stderr write (child)
        int[] fds = {-1, -1, -1, -1, -1, -1};
        try (Arena arena = Arena.ofConfined()) {
            // The pipes' inodes identify their holders later (NativeChild.endEscaped); taken before anything runs.
            long[] inodes = descriptors(arena, spec, fds);
            MemorySegment pidOut = arena.allocate(JAVA_INT);
            Spawned spawned;
            NativeChild child;
            IOException failure = null;
            NativeChild.GROUP_LOCK.readLock().lock();
            try {
                spawned = spawn(arena, spec, fds, pidOut);
                if (spawned.rc() != 0) {
                    closeAll(fds);
                    throw new LaunchException(execFailure(spec, spawned.rc()), spawned.rc(), Errno.name(spawned.rc()));
                }
                int pid = spawned.pid();
                boolean largePipe = LargePipes.enlarge(fds[2]);
                try {
                    Streams streams = openStreams(fds);
                    child = new NativeChild(pid, inodes, streams.in(), streams.out(), streams.err(), largePipe,
                            ExitSource.JVM);
                    largePipe = false; // the child gives the share back when its pipes close
                } catch (IOException e) {
                    failure = e;
                    child = new NativeChild(pid, inodes, OutputStream.nullOutputStream(),
                            InputStream.nullInputStream(), InputStream.nullInputStream(), false, ExitSource.JVM);
                } finally {
                    if (largePipe) LargePipes.release();
                    closeAll(fds); // the child's ends, and ours unless the streams took them over
                }
                Guardian.INSTANCE.watch(pid); // under the read lock, like NEWEST: see NativeChild.releaseGroup
            } finally {
                NativeChild.GROUP_LOCK.readLock().unlock();
            }
            Reaper.INSTANCE.register(child);
            if (failure != null) {
                // Out of descriptors, most likely. The program runs already: kill it; the reaper reaps it.
                child.terminate(EndedBy.SELF, Duration.ZERO);
                throw new LaunchException("cannot open the pipes of \"" + program + "\": " + failure.getMessage(),
                        0, "EUNKNOWN");
            }
            if (spawned.limitFailure() != null) {
                child.terminate(EndedBy.SELF, Duration.ZERO); // never let it run without the limits it was given
                child.closePipes();
                throw new LaunchException("cannot apply the limits of \"" + program + "\": " + spawned.limitFailure(),
                        Errno.EPERM, "EPERM");
            }
            return child;
        } catch (Errno e) {
            closeAll(fds);
            throw new LaunchException("cannot start \"" + program + "\": " + e.getMessage(), e.errno(),
                    Errno.name(e.errno()));
        } catch (Throwable t) {
            closeAll(fds); // no-op once the child owns them (closeAll resets the slots to -1)
            throw t;
        }
    }

    /**
     * What {@link #spawn} did: posix_spawn's result (0 or the exec errno), the pid, and null or which limit could
     * not be applied.
     */
    record Spawned(int rc, int pid, String limitFailure) {}

    /**
     * Builds the file actions and attributes, calls posix_spawn and applies the limits. The child's ends are
     * fds[0], fds[3] and fds[5] (the guardian passes its own).
     */
    static Spawned spawn(Arena arena, LaunchSpec spec, int[] fds, MemorySegment pidOut) throws LaunchException {
        MemorySegment path = cString(arena, spec.argv().getFirst());
        MemorySegment argv = cStringArray(arena, spec.argv());
        MemorySegment envp = cStringArray(arena, spec.environment().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList(), StandardCharsets.ISO_8859_1); // octets: LaunchSpec

        MemorySegment fa = arena.allocate(Libc.SPAWN_FILE_ACTIONS);
        MemorySegment attr = arena.allocate(Libc.SPAWN_ATTR);
        Libc.fileActionsInit(fa);
        try {
            Libc.attrInit(attr);
            try {
                // Actions run in order in the child: the three pipe ends onto 0/1/2 (dup2 clears CLOEXEC),
                // chdir, then close everything else. closefrom matters: the JVM holds descriptors that are
                // not close-on-exec (sockets, jars), which would otherwise leak into every program.
                Libc.fileActionsDup2(fa, fds[0], 0);
                Libc.fileActionsDup2(fa, fds[3], 1);
                Libc.fileActionsDup2(fa, fds[5], 2);
                if (spec.workingDirectory() != null) {
                    Libc.fileActionsChdir(fa, cString(arena, spec.workingDirectory().toString()));
                }
                Libc.fileActionsCloseFrom(fa, 3);

                // pgroup 0: the child leads a new group (pgid == pid), so terminate() reaches grandchildren.
                Libc.attrFlags(attr, SPAWN_FLAGS);
                Libc.attrPgroup(attr, 0);
                // The JVM's threads block some signals and the mask survives exec: clear it.
                MemorySegment mask = arena.allocate(Libc.SIGSET);
                Libc.sigemptyset(mask);
                Libc.attrSigmask(attr, mask);
                MemorySegment defaults = arena.allocate(Libc.SIGSET);
                Libc.sigemptyset(defaults);
                for (int s : DEFAULT_SIGNALS) Libc.sigaddset(defaults, s);
                Libc.attrSigdefault(attr, defaults);

                // With credentials, only this runs as the program's user (CredentialSwitch). The limits go on at once,
                // as that user too: prlimit on another user's process would need CAP_SYS_RESOURCE, which containers
                // often lack. The program already runs; until Prlimit returns, without its limits (docs/process.md).
                return CredentialSwitch.spawnAs(spec.credentials(), () -> {
                    int rc = Libc.posixSpawn(pidOut, path, fa, attr, argv, envp);
                    if (rc != 0) return new Spawned(rc, 0, null);
                    int pid = pidOut.get(JAVA_INT, 0);
                    return new Spawned(0, pid, Prlimit.apply(pid, spec.limits()));
                });
            } finally {
                Libc.attrDestroy(attr);
            }
        } finally {
            Libc.fileActionsDestroy(fa);
        }
    }

    /**
     * Makes the child's descriptors into {@code fds} (the layout above, all close-on-exec): three pipes, or, when the
     * spec has a listening socket, a duplicate of it as fds[0] (fds[1] stays -1) and two pipes. Returns the inodes of
     * stdin (the socket's), stdout and stderr.
     */
    static long[] descriptors(Arena arena, LaunchSpec spec, int[] fds) throws LaunchException {
        int first = 0;
        if (spec.listenSocket() != null) {
            fds[0] = spec.listenSocket().duplicate();
            if (fds[0] < 0) {
                throw new LaunchException("cannot start \"" + spec.argv().getFirst() + "\": its listening socket "
                        + spec.listenSocket() + " is closed", Errno.EBADF, "EBADF");
            }
            first = 1;
        }
        MemorySegment pair = arena.allocate(JAVA_INT, 2);
        for (int i = first; i < 3; i++) {
            Libc.pipe2(pair, Libc.O_CLOEXEC); // CLOEXEC: no other child of this JVM may inherit them
            fds[2 * i] = pair.getAtIndex(JAVA_INT, 0);
            fds[2 * i + 1] = pair.getAtIndex(JAVA_INT, 1);
        }
        return new long[] {Libc.inode(first == 1 ? fds[0] : fds[1]), Libc.inode(fds[2]), Libc.inode(fds[4])};
    }

    record Streams(OutputStream in, InputStream out, InputStream err) {}

    /**
     * Java streams on our pipe ends. Preferably the descriptors themselves become the streams' (no syscall;
     * the slots are set to -1 so the caller does not close them). Without access to sun.nio.ch, each is
     * re-opened via /proc/self/fd (a new descriptor on the same pipe) and the caller closes the originals;
     * the child ends must still be open then, since opening a pipe through /proc is a FIFO open, which
     * blocks until the other side has an opener.
     */
    static Streams openStreams(int[] fds) throws IOException {
        if (Descriptors.WRAPPABLE) {
            // No stdin pipe when descriptor 0 is a listening socket.
            OutputStream in = fds[1] < 0 ? OutputStream.nullOutputStream() : new FileOutputStream(Descriptors.wrap(fds[1]));
            var out = new FileInputStream(Descriptors.wrap(fds[2]));
            var err = new FileInputStream(Descriptors.wrap(fds[4]));
            Streams streams = new Streams(in, out, err);
            fds[1] = fds[2] = fds[4] = -1;
            return streams;
        }
        List<Closeable> opened = new ArrayList<>(3);
        try {
            OutputStream in = fds[1] < 0 ? OutputStream.nullOutputStream() : new FileOutputStream("/proc/self/fd/" + fds[1]);
            opened.add(in);
            var out = new FileInputStream("/proc/self/fd/" + fds[2]);
            opened.add(out);
            var err = new FileInputStream("/proc/self/fd/" + fds[4]);
            return new Streams(in, out, err);
        } catch (IOException e) {
            for (Closeable c : opened) {
                try {
                    c.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    static String execFailure(LaunchSpec spec, int errno) {
        String what = Errno.name(errno) + " (" + Libc.strerror(errno) + ")";
        Path dir = spec.workingDirectory();
        if (dir != null && (errno == Errno.ENOENT || errno == Errno.ENOTDIR || errno == Errno.EACCES)
                && !Files.isDirectory(dir)) {
            return "cannot change to directory \"" + dir + "\" to execute \"" + spec.argv().getFirst() + "\": " + what;
        }
        String as = spec.credentials() == null ? "" : " as uid " + spec.credentials().uid();
        return "cannot execute \"" + spec.argv().getFirst() + "\"" + as + ": " + what;
    }

    private static MemorySegment cString(Arena arena, String s) throws LaunchException {
        return cString(arena, s, StandardCharsets.UTF_8);
    }

    private static MemorySegment cString(Arena arena, String s, Charset charset) throws LaunchException {
        checkNoNul(s);
        return arena.allocateFrom(s, charset);
    }

    /** The bytes of an argument, variable or path, refused (EINVAL) when it holds a NUL, which C would cut it at. */
    static byte[] checkedBytes(String s, Charset charset) throws LaunchException {
        checkNoNul(s);
        return s.getBytes(charset);
    }

    private static void checkNoNul(String s) throws LaunchException {
        if (s.indexOf('\0') >= 0) {
            throw new LaunchException("argument or environment contains a NUL byte: " + s.replace('\0', '@'),
                    Errno.EINVAL, "EINVAL");
        }
    }

    private static MemorySegment cStringArray(Arena arena, List<String> strings) throws LaunchException {
        return cStringArray(arena, strings, StandardCharsets.UTF_8);
    }

    /** A NULL-terminated char*[] (allocate() zero-fills, so the last slot is already NULL). */
    private static MemorySegment cStringArray(Arena arena, List<String> strings, Charset charset)
            throws LaunchException {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) array.setAtIndex(ADDRESS, i, cString(arena, strings.get(i), charset));
        return array;
    }

    static void closeAll(int[] fds) {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] >= 0) Libc.close(fds[i]);
            fds[i] = -1;
        }
    }
}
