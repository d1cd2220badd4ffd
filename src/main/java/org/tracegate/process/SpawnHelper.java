package org.tracegate.process;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One running spawn helper (src/main/c/tracegate-spawn.c) and our end of its socket: requests go out from the
 * launching threads, replies come in on one platform thread ("tracegate-spawn-reader-PID", which blocks in recv) and
 * are matched to their request by id (SPAWNED, FAILED) or to the running program by pid (EXITED).
 *
 * <p>The helper itself is a child of the JVM, reaped by the {@link Reaper} like any other. It is the {@link ExitSource}
 * of the programs it started. When it dies (EOF on the socket, a malformed reply, no answer), {@link #died} answers
 * every request in flight with {@link Gone}, completes every running program's onExit() with a lost status after
 * killing its group (the kernel has already SIGKILLed the leaders: PR_SET_PDEATHSIG), and reports it; the launcher
 * starts a new helper for the next launch.
 *
 * <p>Locking: a launch holds GROUP_LOCK's read lock from before its SPAWN goes out until its NativeChild is in NEWEST
 * (so no older child with the same number can signal the new group meanwhile). The reader must therefore never wait
 * for the write lock: everything that takes it (reaped(), kills) runs on {@link #COMPLETER}.
 */
final class SpawnHelper implements ExitSource {
    /** Replies of the helper are at most this long (EXITED: 56 bytes). */
    private static final int REPLY_BUFFER = 256;
    private static final int SEND_BUFFER = 2 << 20;
    private static final int HELLO_MILLIS = 10_000;
    /** A spawn unanswered for this long makes us look for a child stopped before its exec (see {@link #unstick}). */
    private static final long STALL_MILLIS = 1_000;
    /** A helper that has not answered a spawn for this long is taken for dead. */
    static final long TIMEOUT_MILLIS = Long.getLong("tracegate.spawnHelper.timeoutMillis", 30_000);

    /** Live helpers' pids (for EscapedProcesses, which must never take a helper for a pipe holder, and for tests). */
    private static final Set<Integer> LIVE = ConcurrentHashMap.newKeySet();

    /** Where onExit() completions and everything that takes GROUP_LOCK's write lock run (never the reader thread). */
    private static final ExecutorService COMPLETER =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tracegate-spawn-exit-", 0).factory());

    /** The helper's answer to one SPAWN. */
    sealed interface Reply permits Spawned, Failed, Gone {}

    record Spawned(int pid) implements Reply {}

    record Failed(int step, int errno) implements Reply {}

    /** The helper died (or was closed) before it answered: {@code why} says how. */
    record Gone(String why) implements Reply {}

    /** The helper was gone before the request could be sent: nothing was started, a new helper may try again. */
    static final class GoneBeforeSending extends Exception {
        GoneBeforeSending(String why) {
            super(why, null, false, false);
        }
    }

    private final int sock;
    private final NativeChild process;
    private final int pid;
    private final long maxMessage;
    private final Consumer<String> problems;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Request> pending = new ConcurrentHashMap<>();
    private final Map<Integer, Request> running = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Null while alive; why it is not, once {@link #died} ran. Guarded by {@link #lock}. */
    private String death;
    private volatile boolean closing;
    /**
     * The socket's descriptor is closed by the reader alone, once it has seen EOF; sends and shutdown hold the read
     * lock and look at {@link #sockClosed} first, so that none can reach a number reused meanwhile (by a new helper's
     * socket, say).
     */
    private final java.util.concurrent.locks.ReadWriteLock sockLock = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private boolean sockClosed; // guarded by sockLock
    /** Completes when {@link #died} has dealt with everything. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private SpawnHelper(int sock, NativeChild process, long maxMessage, Consumer<String> problems) {
        this.sock = sock;
        this.process = process;
        this.pid = (int) process.pid();
        this.maxMessage = maxMessage;
        this.problems = problems;
        LIVE.add(pid);
        process.onExit().thenAccept(status -> {
            died("ended with " + status.describe());
            LIVE.remove(pid);
        });
        Thread.ofPlatform().name("tracegate-spawn-reader-" + pid).daemon().start(this::read);
    }

    /** The helper could not be started; the message says why, in one sentence. */
    static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * Starts the helper at {@code binary} as our child, in its own process group, with one end of a fresh socketpair
     * as its descriptor 0 (its only descriptor besides stdout and stderr, which are ours), and waits for its HELLO.
     */
    static SpawnHelper start(Path binary, Path directory, Duration grace, Consumer<String> problems) throws Unavailable {
        int[] pair = Sockets.seqpacketPair();
        int ours = pair[0], theirs = pair[1];
        NativeChild process = null;
        try {
            int sendBuffer = Sockets.enlargeSendBuffer(ours, SEND_BUFFER);
            LaunchSpec spec = new LaunchSpec(List.of(binary.toString(), Long.toString(grace.toMillis()),
                    directory.toString()), Map.of("LC_ALL", "C"), Path.of("/"), null, ResourceLimits.INHERITED);
            int[] fds = {theirs, -1, -1, 2, -1, 2};
            NativeChild.GROUP_LOCK.readLock().lock();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pidOut = arena.allocate(JAVA_INT);
                int rc = Errno.ETXTBSY;
                // ETXTBSY: a child some other thread is spawning right now may still hold the file we just wrote.
                for (int attempt = 0; attempt < 20 && rc == Errno.ETXTBSY; attempt++) {
                    rc = NativeLauncher.spawn(arena, spec, fds, pidOut).rc();
                    if (rc == Errno.ETXTBSY) Thread.sleep(5);
                }
                if (rc != 0) {
                    throw new Unavailable("cannot execute " + binary + ": " + Errno.name(rc) + " (" + Libc.strerror(rc)
                            + ")" + (rc == Errno.EACCES ? "; is its file system mounted noexec? (-D"
                            + HelperBinary.DIR_PROPERTY + "=DIR picks another)" : ""));
                }
                process = new NativeChild(pidOut.get(JAVA_INT, 0), new long[0], OutputStream.nullOutputStream(),
                        InputStream.nullInputStream(), InputStream.nullInputStream(), false, ExitSource.JVM);
            } catch (LaunchException e) {
                throw new Unavailable("cannot execute " + binary + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while starting " + binary);
            } finally {
                NativeChild.GROUP_LOCK.readLock().unlock();
            }
            Libc.close(theirs);
            theirs = -1;
            Reaper.INSTANCE.register(process);
            long maxMessage = hello(ours, process, binary);
            SpawnHelper helper = new SpawnHelper(ours, process, Math.min(maxMessage, sendBuffer - 64L), problems);
            ours = -1;
            return helper;
        } catch (Unavailable | RuntimeException e) {
            if (process != null) process.terminate(EndedBy.SELF, Duration.ZERO);
            throw e instanceof Unavailable u ? u : new Unavailable("cannot start " + binary + ": " + e);
        } finally {
            if (theirs >= 0) Libc.close(theirs);
            if (ours >= 0) Libc.close(ours);
        }
    }

    /** Reads the helper's HELLO: its pid (must be the one we started) and the longest message it takes. */
    private static long hello(int sock, NativeChild process, Path binary) throws Unavailable {
        if (!Sockets.awaitReadable(sock, HELLO_MILLIS)) {
            throw new Unavailable(binary + " did not answer within " + HELLO_MILLIS / 1000 + " s");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(REPLY_BUFFER, 8);
            long n = Sockets.recv(sock, m, Libc.allocateCapture(arena));
            if (n == 0) throw new Unavailable(binary + " exited at once (its own message is on the server's stderr)");
            String bad = n > REPLY_BUFFER ? "a first message of " + n + " bytes" : HelperProtocol.checkHeader(m, n);
            if (bad == null && HelperProtocol.type(m) != HelperProtocol.HELLO) bad = "no HELLO first";
            if (bad == null && HelperProtocol.int0(m) != process.pid()) bad = "the pid " + HelperProtocol.int0(m) + " in its HELLO";
            if (bad == null && HelperProtocol.int2(m) != HelperProtocol.VERSION) bad = "protocol version " + HelperProtocol.int2(m);
            if (bad != null) throw new Unavailable(binary + " is not the helper this server expects: it sent " + bad);
            return Integer.toUnsignedLong(HelperProtocol.int1(m));
        } catch (Errno e) {
            throw new Unavailable("cannot read the HELLO of " + binary + ": " + e.getMessage());
        }
    }

    long pid() { return pid; }

    /** The longest SPAWN this helper takes (its limit, or what our socket buffer can send in one packet). */
    long maxMessage() { return maxMessage; }

    boolean isDead() {
        synchronized (lock) {
            return death != null;
        }
    }

    /** The helpers alive in this JVM (tests; EscapedProcesses leaves them alone). */
    static Set<Integer> livePids() { return Set.copyOf(LIVE); }

    static boolean isHelper(int pid) { return LIVE.contains(pid); }

    /** One SPAWN in flight, then the program it started until its exit was delivered. */
    static final class Request {
        final long id;
        final CompletableFuture<Reply> reply = new CompletableFuture<>();
        private NativeChild child; // guarded by this
        private ExitStatus exit;   // an exit that came before the child was attached
        private boolean kill;      // that exit is a lost one: kill the group first

        Request(long id) {
            this.id = id;
        }

        /** The launching thread has made the child (with GROUP_LOCK released): deliver what came meanwhile. */
        synchronized void attach(NativeChild c) {
            child = c;
            if (exit != null) deliver(c, exit, kill);
        }

        synchronized void exited(ExitStatus status, boolean lost) {
            if (child != null) {
                deliver(child, status, lost);
            } else {
                exit = status;
                kill = lost;
            }
        }

        private static void deliver(NativeChild c, ExitStatus status, boolean lost) {
            COMPLETER.execute(() -> {
                if (lost) c.signalGroup(Signals.SIGKILL); // its leader is dead or dying; a grandchild may not be
                c.reaped();
                c.complete(status);
            });
        }
    }

    /**
     * Sends one SPAWN (request id set here) with the child's three pipe ends, and waits for the answer, without being
     * interruptible: a started child must reach its caller. Call with GROUP_LOCK's read lock held.
     *
     * @throws GoneBeforeSending the helper was dead before the request went out (nothing was started)
     */
    Request spawn(MemorySegment message, int stdin, int stdout, int stderr) throws GoneBeforeSending, LaunchException {
        long id = ids.incrementAndGet();
        HelperProtocol.setId(message, id);
        Request r = new Request(id);
        synchronized (lock) {
            if (death != null) throw new GoneBeforeSending(death);
            pending.put(id, r);
        }
        long since = 0;
        while (true) {
            try {
                sockLock.readLock().lock();
                try {
                    if (sockClosed) throw new Errno("sendmsg", Errno.EPIPE);
                    Sockets.sendWithFds(sock, message, stdin, stdout, stderr);
                } finally {
                    sockLock.readLock().unlock();
                }
                break;
            } catch (Errno e) {
                if (e.errno() == Errno.EAGAIN && !r.reply.isDone()) { // its queue is full: it is busy spawning
                    if (since == 0) since = System.nanoTime();
                    if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS)) {
                        died("did not take a spawn request within " + TIMEOUT_MILLIS / 1000 + " s");
                    } else {
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    }
                    continue;
                }
                pending.remove(id);
                if (r.reply.isDone() || e.errno() == Errno.EPIPE || e.errno() == Errno.ECONNRESET) {
                    died("closed its socket");
                    throw new GoneBeforeSending(deathReason());
                }
                throw new LaunchException("cannot send the spawn request: " + e.getMessage(), e.errno(), Errno.name(e.errno()));
            }
        }
        await(r);
        return r;
    }

    private String deathReason() {
        synchronized (lock) {
            return death;
        }
    }

    private void await(Request r) {
        long start = System.nanoTime();
        boolean interrupted = false;
        try {
            while (!r.reply.isDone()) {
                try {
                    r.reply.get(STALL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException slow) {
                    long waited = (System.nanoTime() - start) / 1_000_000;
                    if (waited >= TIMEOUT_MILLIS) {
                        died("did not answer a spawn request within " + TIMEOUT_MILLIS / 1000 + " s"); // answers r
                    } else {
                        unstick();
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * The helper waits for each child until its exec (CLONE_VFORK), and the child holds the program's uid for the
     * last system call before execve: a process of that user that stops it (SIGSTOP) right then holds up every
     * spawn. Such a child is the helper's child, stopped, and still runs the helper's binary; we kill it (that one
     * launch then reports SIGKILL). It is unreaped, so its pid cannot have been reused.
     */
    private void unstick() {
        Path exe;
        try {
            exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe"));
        } catch (IOException e) {
            return;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                String stat;
                try {
                    stat = Files.readString(dir.resolve("stat"));
                } catch (IOException | RuntimeException gone) {
                    continue;
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (f.length < 2 || !f[1].equals(Integer.toString(pid)) || !(f[0].equals("T") || f[0].equals("t"))) continue;
                try {
                    if (!Files.readSymbolicLink(dir.resolve("exe")).equals(exe)) continue; // exec'd: a stopped program
                    int child = Integer.parseInt(name);
                    Libc.kill(child, Signals.SIGKILL);
                    problems.accept("tracegate: a program being started by the spawn helper (pid " + child
                            + ") was stopped before its exec, holding up every launch; killed it");
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find
        }
    }

    // ---- the reader -----------------------------------------------------------------------------------------

    private void read() {
        try {
            readUntilEof();
        } finally {
            sockLock.writeLock().lock();
            try {
                sockClosed = true;
                Libc.close(sock);
            } finally {
                sockLock.writeLock().unlock();
            }
        }
    }

    /**
     * Reads replies until EOF. After a bad one the helper is being killed: what it still sends is ignored, but the
     * reader goes on to EOF, because closing our end first would tell a live helper the server is gone.
     */
    private void readUntilEof() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(REPLY_BUFFER, 8);
            MemorySegment capture = Libc.allocateCapture(arena);
            boolean trusted = true;
            while (true) {
                long n;
                try {
                    n = Sockets.recv(sock, m, capture);
                } catch (Errno e) {
                    if (e.errno() == Errno.EINTR) continue;
                    died(e.errno() == Errno.ECONNRESET ? "closed its socket" : "failed: " + e.getMessage());
                    return;
                }
                if (n == 0) {
                    died("closed its socket");
                    return;
                }
                if (!trusted) continue;
                String bad = n > REPLY_BUFFER ? "a reply of " + n + " bytes" : HelperProtocol.checkHeader(m, n);
                if (bad == null) bad = dispatch(m);
                if (bad != null) {
                    trusted = false;
                    died("sent " + bad);
                }
            }
        } catch (Throwable t) {
            died("could not be read: " + t);
        }
    }

    /** Handles one well-formed reply; null, or what is wrong with it. */
    private String dispatch(MemorySegment m) {
        long id = HelperProtocol.id(m);
        switch (HelperProtocol.type(m)) {
            case HelperProtocol.SPAWNED -> {
                Request r = pending.remove(id);
                int child = HelperProtocol.int0(m);
                if (r == null) return "SPAWNED for request " + id + ", which is not in flight";
                if (child <= 0) return "SPAWNED with pid " + child;
                running.put(child, r);
                r.reply.complete(new Spawned(child));
            }
            case HelperProtocol.FAILED -> {
                Request r = pending.remove(id);
                if (r == null) return "FAILED for request " + id + ", which is not in flight";
                r.reply.complete(new Failed(HelperProtocol.int0(m), HelperProtocol.int1(m)));
            }
            case HelperProtocol.EXITED -> {
                int child = HelperProtocol.int0(m);
                Request r = running.get(child);
                if (r == null || r.id != id) return "EXITED for pid " + child + ", which it does not run for us";
                running.remove(child, r);
                r.exited(HelperProtocol.exitStatus(m), false);
            }
            default -> {
                return "a reply of type " + HelperProtocol.type(m) + " after its HELLO";
            }
        }
        return null;
    }

    // ---- the end ---------------------------------------------------------------------------------------------

    /**
     * The helper is gone, or must go: answer every request in flight, end the helper if it still runs, kill the
     * groups of its programs and complete their onExit() with a lost status, report it. Idempotent; callable from any
     * thread, the reader included (nothing here waits for GROUP_LOCK on the calling thread).
     */
    private void died(String why) {
        synchronized (lock) {
            if (death != null) return;
            death = "the spawn helper (pid " + pid + ") " + why;
        }
        String reason = deathReason();
        // First the launches waiting for an answer: they hold GROUP_LOCK's read lock, which the kills below need.
        int inFlight = 0;
        for (Request r : List.copyOf(pending.values())) {
            if (r.reply.complete(new Gone(reason))) inFlight++;
        }
        pending.clear();
        boolean closed = closing;
        if (closed) {
            shutdownSocket(); // EOF: the helper ends what it still runs, removes its binary and exits
        } else if (!process.onExit().isDone()) {
            // It misbehaved (or hangs): killed, not told EOF, which would make it remove the binary a new helper needs.
            // Its pid is safe until the Reaper has reaped it. Not on this thread: terminate takes GROUP_LOCK.
            COMPLETER.execute(() -> process.terminate(EndedBy.SELF, Duration.ZERO));
        }
        ExitStatus lost = ExitStatus.lost(closed ? "the spawn launcher was closed; the program was killed"
                : "the spawn helper died; the program was killed");
        List<Request> programs = new ArrayList<>(running.values());
        running.clear();
        for (Request r : programs) r.exited(lost, true);
        int killed = programs.size(), failed = inFlight;
        process.onExit().whenComplete((status, t) -> {
            try {
                if (!closed) {
                    problems.accept("tracegate: " + reason + (why.startsWith("ended with") ? "" : "; it ended with "
                            + (status == null ? "?" : status.describe())) + ". " + killed + " running program(s) killed, "
                            + failed + " launch(es) failed; a new helper starts with the next launch");
                }
            } finally {
                ended.complete(null);
            }
        });
    }

    private void shutdownSocket() {
        sockLock.readLock().lock();
        try {
            if (!sockClosed) Sockets.shutdown(sock);
        } finally {
            sockLock.readLock().unlock();
        }
    }

    /**
     * Closes our end: the helper then ends its programs (SIGTERM, the grace, SIGKILL) and exits, and removes its
     * binary. Programs still running are killed and their onExit() completes with a lost status. Waits up to
     * {@code wait} for the helper to be reaped.
     */
    void close(Duration wait) {
        closing = true;
        died("was closed");
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            ended.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.terminate(EndedBy.SHUTDOWN, Duration.ZERO); // still ending its programs: no longer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The helper's children need no one else told when their group number is given up: it drops them itself. */
    @Override
    public void released(int pgid) {
    }

    @Override
    public String toString() {
        return "reaped by the spawn helper (pid " + pid + ")";
    }
}
