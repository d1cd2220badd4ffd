package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.gateway.ProgramPolicy;
import org.tracegate.text.ByteQuote;
import org.tracegate.gateway.cgi.StderrBudget;
import org.tracegate.gateway.cgi.StderrCapture;
import org.tracegate.process.ChildProcess;
import org.tracegate.process.EndedBy;
import org.tracegate.process.ExitStatus;
import org.tracegate.process.LaunchException;
import org.tracegate.process.LaunchSpec;
import org.tracegate.process.ListeningSocket;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.text.LogText;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * A managed FastCGI pool (IIS's FastCgiModule, mod_fcgid): up to {@code maxInstances} application processes that
 * Tracegate starts itself, each through the server's launcher (its own process group, the program user and limits of
 * the global program policy) with a unix socket of its own as descriptor 0 ({@code FCGI_LISTENSOCK_FILENO}), in a
 * private 0700 directory the program user cannot reach. One request at a time per process, on one connection kept
 * (KEEP_CONN) across its requests.
 *
 * <ul>
 *   <li><b>Queue</b>: a fair queue of at most {@code queueLength} requests waits up to {@code queueTimeout} for a free
 *       instance; beyond it {@link FastCgiUnavailable.Busy} (503.2).</li>
 *   <li><b>Recycling</b> is graceful: a process is retired only between requests, never mid-response: after its
 *       {@code instanceMaxRequests}-th request, after {@code idleTimeout} idle, when {@code monitorChangesTo} changes
 *       (every process, each after its current request), and at {@link #close()}. Retiring closes its connection
 *       (php-cgi goes back to accept), then SIGTERM to its group and SIGKILL after the kill grace.</li>
 *   <li><b>Deaths</b>: a process that dies (any signal or exit) is reaped; its {@link ExitStatus} reaches the gateway
 *       through {@link FastCgiGateway.ManagedWorker}, and the next request starts a new one. A timeout makes the gateway
 *       call {@link #endInstance}: the group is killed at once and replaced.</li>
 *   <li><b>Rapid-fail protection</b>: {@code rapidFailsPerMinute} unexpected deaths (or failed starts) within a
 *       minute stop the pool: {@link FastCgiUnavailable.Stopped} (503.3) with the last failure's cause, until a
 *       minute has passed; the error log says so at the trip and at the recovery.</li>
 * </ul>
 */
public final class ManagedPool implements FastCgiBackend {
    /** php-cgi forks this many children of its own without it, and exits after 500 requests: we pool and recycle. */
    static final Map<String, String> PHP_DEFAULTS = Map.of("PHP_FCGI_CHILDREN", "0", "PHP_FCGI_MAX_REQUESTS", "0");
    static final Duration RAPID_FAIL_WINDOW = Duration.ofMinutes(1);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a broken connection waits for the reaper to report the worker's death (it is a moment behind). */
    private static final Duration DEATH_WAIT = Duration.ofSeconds(2);
    private static final long TICK_MILLIS = 250;
    private static final int BACKLOG = 16;
    private static final int STDOUT_QUOTE = 200;
    /** As for a request's own stderr: the first 200 lines of the process's stderr during a request are CGI_STDERR events. */
    private static final int TRACED_STDERR_LINES = 200;
    /**
     * How long a dead process's pipes may stay open before what holds them is ended: its group is signalled at its
     * death, so only a process that left the group (a script's daemon) holds them longer. As CGI's close path waits.
     */
    private static final Duration PIPES_HELD = Duration.ofSeconds(1);
    /** How long a request whose process died waits for the rest of that process's stderr (EOF comes with the group). */
    private static final Duration LAST_WORDS = Duration.ofMillis(500);
    /** How long a live process's request waits for what is already in the stderr pipe to be read at its end. */
    private static final Duration STDERR_READ = Duration.ofMillis(50);
    /** Blocking pipe reads belong on platform threads (docs/architecture.md). */
    private static final ExecutorService IO = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("fcgi-pool-io-", 0).factory());
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final FastCgiMapping mapping;
    private final FastCgiPool settings;
    private final ProcessLauncher launcher;
    private final ProgramPolicy policy;
    private final Map<String, String> environment;
    private final Consumer<String> log;
    /** The error log with a request id: a process's stderr while it serves a request is that request's. */
    private final BiConsumer<String, String> requestLog;
    private final Duration killGrace;
    private final Duration shutdownGrace;
    private final long stderrLogBytes;
    private final String commandLine;
    private final Path socketDir;
    private final Semaphore slots;
    private final AtomicInteger waiting = new AtomicInteger();
    private final ScheduledExecutorService ticker;

    private final Object lock = new Object();
    // ---- guarded by lock
    private final Deque<Instance> idle = new ArrayDeque<>();       // most recently used first
    private final Set<Instance> running = new LinkedHashSet<>();   // every process not yet reaped
    /** Every process whose pipes are not both at EOF yet, reaped or not: close() ends what still holds them. */
    private final Set<Instance> pipesOpen = ConcurrentHashMap.newKeySet();
    private final Deque<Long> failures = new ArrayDeque<>();       // nanoTime of each unexpected death in the window
    private int generation;
    private int serial;
    private boolean closed;
    private Instant stoppedUntil;                                  // rapid-fail protection tripped, until then
    private int stoppedFailures;
    private String lastFailure = "";
    private long monitoredStamp;

    /**
     * @param policy            who the processes run as and their limits (the global program policy)
     * @param serverEnvironment where the mapping's {@code inherit} names are looked up
     * @param log               the error log: a request id (or null for the pool's own lines) and one line
     * @param killGrace         SIGTERM → SIGKILL when a process is retired
     * @param shutdownGrace     how long {@link #close()} lets busy processes finish their request
     */
    public ManagedPool(FastCgiMapping mapping, ProcessLauncher launcher, ProgramPolicy policy,
                       Map<String, String> serverEnvironment, BiConsumer<String, String> log, Duration killGrace,
                       Duration shutdownGrace) throws IOException {
        if (!mapping.managed()) throw new IllegalArgumentException("not a managed FastCGI mapping: " + mapping.describe());
        this.mapping = mapping;
        this.settings = mapping.pool();
        this.launcher = launcher;
        this.policy = policy;
        this.requestLog = log;
        this.log = line -> log.accept(null, line);
        this.killGrace = killGrace;
        this.shutdownGrace = shutdownGrace;
        this.stderrLogBytes = policy.limits().stderrKiB() << 10;
        this.commandLine = mapping.describe();
        this.environment = environment(mapping, serverEnvironment);
        this.slots = new Semaphore(settings.maxInstances(), true);
        // The sockets live where only the server may go: the programs get theirs as descriptor 0 and need no path.
        this.socketDir = Files.createTempDirectory("tracegate-fcgi-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        this.monitoredStamp = stamp(settings.monitorChangesTo());
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("fcgi-pool-" + POOLS.incrementAndGet()).factory());
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The mapping's inherited and fixed variables, and php-cgi's two unless the operator set them. */
    static Map<String, String> environment(FastCgiMapping m, Map<String, String> server) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : m.environment().inherit()) {
            String v = server.get(name);
            if (v != null) env.put(name, v);
        }
        env.putAll(PHP_DEFAULTS);
        env.putAll(m.environment().set());
        return env;
    }

    /** The private directory of the sockets (tests: it must be empty and gone after close). */
    public Path socketDirectory() { return socketDir; }

    /** The pids of the processes running now (tests). */
    public List<Long> pids() {
        synchronized (lock) {
            return running.stream().map(i -> i.pid).toList();
        }
    }

    @Override
    public Occupancy occupancy() {
        synchronized (lock) {
            Instant until = stoppedUntil != null && Instant.now().isBefore(stoppedUntil) ? stoppedUntil : null;
            int busy = 0;                              // serving a request: not starting, not retiring until reaped
            for (Instance i : running) if (i.leased) busy++;
            return new Occupancy(busy, idle.size(), waiting.get(), until, lastFailure.isEmpty() ? null : lastFailure);
        }
    }

    @Override
    public String describe() { return commandLine + " (managed, up to " + settings.maxInstances() + " instances)"; }

    // ---- lease and release ------------------------------------------------------------------------------------

    @Override
    public Lease lease(Duration wait) throws FastCgiUnavailable { return lease(wait, null); }

    @Override
    public Lease lease(Duration wait, RequestTrace trace) throws FastCgiUnavailable {
        refuseIfStopped();
        acquire(wait);
        try {
            refuseIfStopped();
            while (true) {
                Instance i = takeIdle();
                if (i == null) break;
                FastCgiConnection c = i.connection();
                if (c != null) return i.lease(c, false, trace);
                try {
                    // php-cgi closed its end after a complete request: it accepts again.
                    return i.lease(FastCgiConnection.open(i.address, CONNECT_TIMEOUT), false, trace);
                } catch (FastCgiConnectException e) {
                    boolean dead;
                    synchronized (lock) {
                        i.leased = false;                      // not busy while it is reaped
                        dead = i.dead;
                    }
                    if (dead) {
                        reportCleanExit(i, i.exitNow(), false); // the reaper left a clean exit to us, the lease holder
                    } else {
                        retire(i, "it could not be reached (" + e.errnoName() + ")", EndedBy.SELF);
                    }
                }
            }
            Instance fresh = start(trace);
            return fresh.lease(fresh.connection(), true, trace);
        } catch (FastCgiUnavailable | RuntimeException | Error e) {
            slots.release();
            throw e;
        }
    }

    private void acquire(Duration wait) throws FastCgiUnavailable {
        try {
            // Not tryAcquire(): that one barges past the queue even on a fair semaphore.
            if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastCgiUnavailable(new FastCgiUnavailable.Busy(settings.maxInstances(), Duration.ZERO));
        }
        if (waiting.incrementAndGet() > settings.queueLength()) {
            waiting.decrementAndGet();
            throw new FastCgiUnavailable(new FastCgiUnavailable.Busy(settings.maxInstances(), Duration.ZERO));
        }
        try {
            if (!slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new FastCgiUnavailable(new FastCgiUnavailable.Busy(settings.maxInstances(), wait));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastCgiUnavailable(new FastCgiUnavailable.Busy(settings.maxInstances(), Duration.ZERO));
        } finally {
            waiting.decrementAndGet();
        }
    }

    private Instance takeIdle() {
        List<Instance> stale = new ArrayList<>();
        try {
            synchronized (lock) {
                for (Iterator<Instance> it = idle.iterator(); it.hasNext(); ) {
                    Instance i = it.next();
                    it.remove();
                    if (i.generation == generation && !i.dead && !i.retiring) {
                        i.leased = true;
                        return i;
                    }
                    retireLocked(i, "monitorChangesTo changed"); // the tick has not got to it yet
                    stale.add(i);
                }
                return null;
            }
        } finally {
            endRetired(stale);
        }
    }

    @Override
    public void release(Lease lease, ExchangeReport report) { release(lease, report, null); }

    @Override
    public void release(Lease lease, ExchangeReport report, RequestTrace trace) {
        Instance i = ((Leased) lease.instance()).instance();
        try {
            RequestEnd end = report == null ? null : report.end();
            boolean complete = RequestEnd.completed(end);
            boolean beforeFirstAnswer = lease.fresh() && !complete;
            if (!complete && (i.killed || end instanceof RequestEnd.ConnectionLost)) {
                i.awaitExit(DEATH_WAIT); // the socket broke, or we killed it: let the reaper say how it ended
            }
            ExitStatus exit = i.exitNow();
            // What the process wrote to stderr during the request may still be in the pipe (a dead one's last words: a
            // PHP fatal error, say): it is this request's evidence, so it is read before the request stops owning it.
            if (exit != null) i.awaitPumps(LAST_WORDS);
            else i.awaitStderrRead(STDERR_READ);
            i.serving = null;
            if (exit != null) {
                endedUnderLease(i, exit, beforeFirstAnswer, trace);
                return;
            }
            String why = null;
            if (i.killed) {
                why = i.retiredBecause;
            } else if (!complete) {
                why = "its connection broke off (" + (end == null ? "no report" : endName(end)) + ")";
            } else if (i.requests >= settings.instanceMaxRequests()) {
                why = "instanceMaxRequests = " + settings.instanceMaxRequests();
            }
            if (complete && !report.connectionKept()) i.dropConnection(); // the next lease connects anew
            boolean diedMeanwhile;
            synchronized (lock) {
                diedMeanwhile = i.dead;             // the reaper got to it after exitNow() above, while it was leased
                if (why == null && closed) why = "the server is shutting down";
                if (why == null && stoppedUntil != null) why = "rapid-fail protection stopped the pool";
                if (why == null && i.generation != generation) why = "monitorChangesTo changed";
                i.leased = false;
                if (why == null && !i.retiring) {
                    i.idleSince = System.nanoTime();
                    idle.push(i);
                    return;
                }
            }
            if (diedMeanwhile) {
                endedUnderLease(i, i.exitNow(), beforeFirstAnswer, trace);
                return;
            }
            if (why != null) {
                i.retiredAfterRequest = true;
                retire(i, why, EndedBy.SHUTDOWN);
                if (trace != null) trace.emit(new TraceEvent.FastCgiProcessRecycled(i.pid, i.requests, why));
            }
        } finally {
            slots.release();
        }
    }

    /** Its process ended while it was leased: accounted for once, its connection closed, the exit said and traced. */
    private void endedUnderLease(Instance i, ExitStatus exit, boolean beforeFirstAnswer, RequestTrace trace) {
        died(i, exit);                        // a no-op when the reaper got there first
        i.dropConnection();                   // died() leaves a leased instance's connection to its request
        reportCleanExit(i, exit, beforeFirstAnswer);
        if (trace != null) {
            trace.emit(new TraceEvent.FastCgiProcessDied(i.pid, i.requests, exit.exitCodeText(), exit.signalName(),
                    i.diedUnexpectedly));
        }
    }

    @Override
    public boolean endedByItself(Lease lease) { return ((Leased) lease.instance()).instance().exitedByItself; }

    /** A request on this instance timed out: kill its group now; the next request starts a new process. */
    @Override
    public void endInstance(Lease lease) {
        Instance i = ((Leased) lease.instance()).instance();
        i.retiredBecause = "its request timed out; its process group was killed";
        i.killed = true;
        i.retiring = true;
        i.dropConnection();
        i.process.terminate(EndedBy.TOTAL_TIMEOUT, Duration.ZERO); // a script in sleep() would outlive a SIGTERM
    }

    // ---- processes --------------------------------------------------------------------------------------------

    /** Starts a process for a request: its socket, the launch, its pumps, and our connection to it. */
    private Instance start(RequestTrace trace) throws FastCgiUnavailable {
        int n;
        int gen;
        synchronized (lock) {
            n = ++serial;
            gen = generation;
        }
        Path path = socketDir.resolve(n + ".sock");
        ChildProcess process;
        try (ListeningSocket socket = ListeningSocket.unix(path, BACKLOG)) {
            LaunchSpec spec = new LaunchSpec(mapping.command(), environment, mapping.directory(), policy.runAs(),
                    policy.rlimits()).withListenSocket(socket);
            process = launcher.launch(spec);
        } catch (IOException e) { // LaunchException too
            deleteQuietly(path);
            synchronized (lock) {
                // close() removed the socket directory under this start: the shutdown's doing, not the program's failure
                if (closed) throw new FastCgiUnavailable(new FastCgiUnavailable.Closed());
            }
            String errno = e instanceof LaunchException le ? le.errnoName() : "EUNKNOWN";
            failed("cannot start " + commandLine + ": " + e.getMessage());
            throw new FastCgiUnavailable(new FastCgiUnavailable.Unreachable(commandLine, errno, e.getMessage(), true));
        } catch (RuntimeException | LinkageError e) {
            // No native access (not Linux, --illegal-native-access=deny): no socket can be made for a program.
            String why = "managed FastCGI pools need native access to make their sockets: " + e;
            failed(why);
            throw new FastCgiUnavailable(new FastCgiUnavailable.Unreachable(commandLine, "ENOSYS", why, true));
        }
        Instance i = new Instance(n, path, process, gen);
        int count;
        boolean late;
        synchronized (lock) {
            late = closed;
            running.add(i);
            i.leased = !late;
            if (late) retireLocked(i, "the server is shutting down");
            count = running.size();
        }
        pipesOpen.add(i);
        IO.execute(i::pumpStderr);
        IO.execute(i::pumpStdout);
        process.onExit().thenAccept(status -> died(i, status));
        if (late) { // close() ran meanwhile: this one must not outlive it
            i.process.terminate(EndedBy.SHUTDOWN, Duration.ZERO);
            i.awaitExit(DEATH_WAIT);
            deleteQuietly(path);
            deleteQuietly(socketDir);    // close() may have found its socket there and left the directory: empty now
            throw new FastCgiUnavailable(new FastCgiUnavailable.Closed());
        }
        if (trace != null) trace.emit(new TraceEvent.FastCgiProcessStarted(commandLine, i.pid, path.toString(), count));
        try {
            i.connection = FastCgiConnection.open(i.address, CONNECT_TIMEOUT);
        } catch (FastCgiConnectException e) {
            // It died at once (its socket closed with it): the launch "worked", the program did not.
            i.awaitExit(DEATH_WAIT);
            ExitStatus exit = i.exitNow();
            if (exit != null) {
                died(i, exit);                                 // settled now, not when the reaper's callback runs
                reportCleanExit(i, exit, true);
            }
            String what = "cannot connect to " + commandLine + " (pid " + i.pid + ")" + (exit == null ? "" : ", which ended with "
                    + exit.describe()) + ": " + e.getMessage();
            synchronized (lock) {
                i.leased = false;
            }
            if (exit == null) retire(i, "it could not be reached", EndedBy.SELF);
            throw new FastCgiUnavailable(new FastCgiUnavailable.Unreachable(i.address.toString(), e.errnoName(), what));
        }
        return i;
    }

    /** Stops a process between requests: our connection closed, SIGTERM to its group, SIGKILL after the grace. */
    private void retire(Instance i, String why, EndedBy who) {
        synchronized (lock) {
            retireLocked(i, why);
        }
        i.dropConnection();
        i.process.terminate(who, killGrace);
    }

    /** Under the lock: marks it retiring and takes it off the idle list; the caller ends the process. */
    private void retireLocked(Instance i, String why) {
        idle.remove(i);
        if (!i.retiring) {
            i.retiring = true;
            i.retiredBecause = why;
        }
    }

    /** Retires what {@link #retireLocked} marked, outside the lock. */
    private void endRetired(List<Instance> list) {
        for (Instance i : list) {
            i.dropConnection();
            i.process.terminate(EndedBy.SHUTDOWN, killGrace);
        }
    }

    /** The reaper reported a process's exit (or a release saw it first): account for it once. */
    private void died(Instance i, ExitStatus status) {
        boolean unexpected;
        boolean leased;
        synchronized (lock) {
            if (i.dead) return;
            leased = i.leased;
            i.dead = true;
            idle.remove(i);
            running.remove(i);
            unexpected = !i.retiring;
            i.diedUnexpectedly = unexpected && (status.signalled() || status.exitCode() != 0);
            i.exitedByItself = unexpected && !i.killed && !status.signalled() && status.exitCode() == 0;
            i.retiring = true;
        }
        // A request reading the connection sees the kernel's own end of it (EOF, ECONNRESET): closing it under
        // that read would turn the worker's death into our EBADF. release() closes it.
        if (!leased) i.dropConnection();
        // The rest of its group (a script's background job, php-cgi's own PHP_FCGI_CHILDREN) goes with it, as a
        // retired one's does; a no-op for a group we are ending already. Its exit (reaped as SELF) stays as it was.
        i.process.terminate(EndedBy.SELF, killGrace);
        // And what left the group (setsid, a double fork) but holds its pipes, as for a CGI program: a script's daemon.
        // Only if the pipes stay open, and off this thread (a request's or the reaper's): it waits, and scans /proc.
        IO.execute(() -> {
            if (!i.awaitPumps(PIPES_HELD)) i.endEscaped();
        });
        deleteQuietly(i.socket);
        if (unexpected) {
            String what = "worker pid " + i.pid + " (" + i.requests + " request(s) served) "
                    + (status.signalled() ? "was killed by " : "exited with ") + status.describe();
            // An exit with status 0 is the program ending itself cleanly (php-cgi after PHP_FCGI_MAX_REQUESTS, say):
            // replaced like any other, but no failure.
            if (status.signalled() || status.exitCode() != 0) {
                log.accept("fastcgi: " + commandLine + ": " + what + ", unexpectedly; the next request starts a new process");
                failed(what);
            } else if (!leased) {
                reportCleanExit(i, status, false);
            }
            // Leased, a clean exit is the lease holder's to report: only it knows whether a request was ever answered.
        }
    }

    /**
     * A process that ended by itself with status 0, once: a clean end after its requests, or (before it answered its
     * first request) a failed start.
     */
    private void reportCleanExit(Instance i, ExitStatus exit, boolean beforeFirstAnswer) {
        if (exit == null || !i.exitedByItself || !i.cleanExitReported.compareAndSet(false, true)) return;
        if (beforeFirstAnswer) {
            failedStart(i, exit);
        } else {
            log.accept("fastcgi: " + commandLine + ": worker pid " + i.pid + " (" + i.requests + " request(s) served) exited"
                    + " with " + exit.describe() + ", by itself; the next request starts a new process");
        }
    }

    /**
     * A process started for a request ended with status 0 before it answered it: no FastCGI application (the php CLI
     * named instead of php-cgi reads its listening socket as an empty script and exits). died() took the exit for the
     * clean end of a process that had served its requests; this one never served one, and it is a failed start.
     */
    private void failedStart(Instance i, ExitStatus exit) {
        String what = "worker pid " + i.pid + " exited with " + exit.describe() + " before it answered its first request"
                + " (is " + mapping.command().getFirst() + " a FastCGI application?)";
        log.accept("fastcgi: " + commandLine + ": " + what + "; a failed start");
        failed(what);
    }

    /** An unexpected death or a failed start: counts toward rapid-fail protection. */
    private void failed(String what) {
        List<Instance> stop = new ArrayList<>();
        String line = null;
        synchronized (lock) {
            lastFailure = what;
            if (settings.rapidFailsPerMinute() <= 0 || stoppedUntil != null || closed) return;
            long now = System.nanoTime();
            failures.addLast(now);
            while (!failures.isEmpty() && now - failures.peekFirst() > RAPID_FAIL_WINDOW.toNanos()) failures.removeFirst();
            if (failures.size() < settings.rapidFailsPerMinute()) return;
            stoppedUntil = Instant.now().plus(RAPID_FAIL_WINDOW);
            stoppedFailures = failures.size();
            for (Instance i : List.copyOf(idle)) {
                retireLocked(i, "rapid-fail protection stopped the pool");
                stop.add(i);
            }
            line = "fastcgi: " + commandLine + ": rapid-fail protection: " + stoppedFailures + " unexpected failures within "
                    + RAPID_FAIL_WINDOW.toSeconds() + " s (rapidFailsPerMinute = " + settings.rapidFailsPerMinute()
                    + "); the pool is stopped until " + stoppedUntil + " and answers 503.3. The last: " + what;
        }
        endRetired(stop);
        log.accept(line);
    }

    private void refuseIfStopped() throws FastCgiUnavailable {
        synchronized (lock) {
            if (closed) {
                throw new FastCgiUnavailable(new FastCgiUnavailable.Closed());
            }
            recoverLocked();
            if (stoppedUntil != null) {
                throw new FastCgiUnavailable(new FastCgiUnavailable.Stopped(stoppedFailures, stoppedUntil, lastFailure));
            }
        }
    }

    /** Under the lock: a minute has passed since the trip: the pool starts again. */
    private void recoverLocked() {
        if (stoppedUntil == null || Instant.now().isBefore(stoppedUntil)) return;
        stoppedUntil = null;
        failures.clear();
        log.accept("fastcgi: " + commandLine + ": rapid-fail protection: the pool starts again after "
                + RAPID_FAIL_WINDOW.toSeconds() + " s stopped (its last failure: " + lastFailure + ")");
    }

    /** Every TICK_MILLIS: idle processes past idleTimeout, a changed monitorChangesTo, the end of a rapid-fail stop. */
    private void tick() {
        try {
            List<Instance> stop = new ArrayList<>();
            String line = null;
            long stamp = stamp(settings.monitorChangesTo());
            synchronized (lock) {
                if (closed) return;
                recoverLocked();
                long idleNanos = settings.idleTimeout().toNanos();
                if (idleNanos > 0) {
                    long now = System.nanoTime();
                    for (Instance i : List.copyOf(idle)) {
                        if (now - i.idleSince >= idleNanos) {
                            retireLocked(i, "idleTimeout = " + settings.idleTimeout().toSeconds() + " s");
                            stop.add(i);
                        }
                    }
                }
                if (settings.monitorChangesTo() != null && stamp != monitoredStamp) {
                    monitoredStamp = stamp;
                    generation++;
                    int busy = 0;
                    for (Instance i : running) if (i.leased) busy++;
                    for (Instance i : List.copyOf(idle)) {
                        retireLocked(i, "monitorChangesTo changed");
                        stop.add(i);
                    }
                    line = "fastcgi: " + commandLine + ": " + settings.monitorChangesTo() + " changed; restarting the pool: "
                            + stop.size() + " idle process(es) stopped now, " + busy + " busy one(s) after their current"
                            + " request; new requests get new processes";
                }
            }
            endRetired(stop);
            if (line != null) log.accept(line);
        } catch (RuntimeException e) {
            log.accept("fastcgi: " + commandLine + ": the pool's housekeeping failed: " + e);
        }
    }

    /** The file's modification time in nanoseconds, or -1 when it does not exist (a creation is a change too). */
    private static long stamp(Path file) {
        if (file == null) return -1;
        try {
            return Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            return -2;
        }
    }

    /**
     * Server shutdown: idle processes are stopped at once, busy ones after their current request (within the shutdown
     * grace, then killed); waits for every process to be reaped, and removes every socket file and the directory.
     */
    @Override
    public void close() {
        List<Instance> stop = new ArrayList<>();
        synchronized (lock) {
            if (closed) return;
            closed = true;
            for (Instance i : List.copyOf(idle)) {
                retireLocked(i, "the server is shutting down");
                stop.add(i);
            }
        }
        ticker.shutdownNow();
        endRetired(stop);
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        List<Instance> left;
        while (true) {
            synchronized (lock) {
                left = running.stream().filter(i -> i.leased && !i.retiring).toList();
            }
            if (left.isEmpty() || System.nanoTime() >= deadline) break;
            sleep(20);
        }
        for (Instance i : left) {
            log.accept("fastcgi: " + commandLine + ": worker pid " + i.pid + " still busy after the shutdown grace of "
                    + shutdownGrace.toSeconds() + " s; killed");
            retire(i, "the shutdown grace ran out", EndedBy.SHUTDOWN);
        }
        List<Instance> all;
        synchronized (lock) {
            all = List.copyOf(running);
        }
        for (Instance i : all) {
            if (!i.awaitExit(killGrace.plusSeconds(2))) i.process.terminate(EndedBy.SHUTDOWN, Duration.ZERO);
            i.awaitExit(Duration.ofSeconds(2));
            deleteQuietly(i.socket);
        }
        // Here too, not only on the pool's threads after each death: the server may exit before their wait is over.
        long held = System.nanoTime() + PIPES_HELD.toNanos();
        for (Instance i : List.copyOf(pipesOpen)) {
            if (!i.awaitPumps(Duration.ofNanos(Math.max(0, held - System.nanoTime())))) i.endEscaped();
        }
        // What was signalled closes the pipes as it dies: wait for that past its SIGKILL (after the kill grace, on a
        // daemon timer), or a daemon that ignores SIGTERM would outlive a server that exits once this returns.
        long killed = System.nanoTime() + killGrace.plusSeconds(1).toNanos();
        for (Instance i : List.copyOf(pipesOpen)) i.awaitPumps(Duration.ofNanos(Math.max(0, killed - System.nanoTime())));
        try (var files = Files.list(socketDir)) {
            files.forEach(ManagedPool::deleteQuietly);
        } catch (IOException e) {
            // gone already
        }
        deleteQuietly(socketDir);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover in our private directory; close() tries again
        }
    }

    private static String endName(RequestEnd end) {
        return switch (end) {
            case RequestEnd.Ended e -> "END_REQUEST " + e.protocolStatus();
            case RequestEnd.ConnectionLost l -> l.errno() + " " + l.stage();
            case RequestEnd.LostAhead l -> "lost ahead";               // sendAhead is for external servers only
            case RequestEnd.ProtocolViolation v -> "protocol violation";
            case RequestEnd.Abandoned a -> "abandoned after our ABORT_REQUEST";
        };
    }

    /** What a lease hands the gateway: the instance, and what its process wrote to its own stderr for this request. */
    record Leased(Instance instance, OwnStderr stderr) implements FastCgiGateway.ManagedWorker {
        @Override
        public ExitStatus exitIfDead() { return instance.exitIfDead(); }

        @Override
        public String ownStderr() { return stderr.text(); }
    }

    /** The request a process serves: its trace (null when untraced), its own stderr, its CGI_STDERR events so far. */
    record Serving(RequestTrace trace, OwnStderr stderr, AtomicInteger traced) {}

    /** The last {@link StderrCapture#TAIL_BYTES} characters of a process's own stderr during one request. */
    static final class OwnStderr {
        private final StringBuilder text = new StringBuilder();

        synchronized void add(String line) {
            text.append(line).append('\n');
            if (text.length() > StderrCapture.TAIL_BYTES) text.delete(0, text.length() - StderrCapture.TAIL_BYTES);
        }

        synchronized String text() { return text.toString(); }
    }

    /** One application process, its socket and our kept connection to it. */
    final class Instance {
        final int serial;
        final Path socket;
        final FastCgiAddress address;
        final ChildProcess process;
        final long pid;
        final int generation;
        private volatile FastCgiConnection connection;
        volatile int requests;
        /**
         * The request it serves now: php-cgi writes error_log() and its own errors to the process's stderr, not to
         * FCGI_STDERR, and that is the request's evidence too. One reference, read once per line.
         */
        volatile Serving serving;
        volatile long idleSince;
        // guarded by ManagedPool.lock
        boolean leased;
        boolean dead;
        volatile boolean retiring;
        /** Killed by {@link #endInstance} (a timeout). */
        volatile boolean killed;
        private final AtomicInteger pumps = new AtomicInteger(2);
        private final CountDownLatch pumpsDone = new CountDownLatch(1);
        volatile boolean diedUnexpectedly;
        /** Ended by itself, with exit status 0 and not retired by us (php-cgi after PHP_FCGI_MAX_REQUESTS). */
        volatile boolean exitedByItself;
        /** Stopped by us after a request ended cleanly: its exit is no news for that request. */
        volatile boolean retiredAfterRequest;
        volatile String retiredBecause;
        /** Its clean exit (status 0, by itself) is in the error log: whoever sees it first says it. */
        final AtomicBoolean cleanExitReported = new AtomicBoolean();
        private boolean escapedEnded;                                   // guarded by this

        Instance(int serial, Path socket, ChildProcess process, int generation) {
            this.serial = serial;
            this.socket = socket;
            this.address = new FastCgiAddress.Unix(socket);
            this.process = process;
            this.pid = process.pid();
            this.generation = generation;
        }

        Lease lease(FastCgiConnection c, boolean fresh, RequestTrace trace) {
            connection = c;
            requests++;
            OwnStderr own = new OwnStderr();
            serving = new Serving(trace, own, new AtomicInteger());
            return new Lease(c, pid, requests, fresh, commandLine, new Leased(this, own));
        }

        FastCgiConnection connection() {
            FastCgiConnection c = connection;
            if (c != null && !c.reusable()) {
                c.close();
                connection = null;
                return null;
            }
            return c;
        }

        void dropConnection() {
            FastCgiConnection c = connection;
            connection = null;
            if (c != null) c.close();
        }

        ExitStatus exitNow() { return process.onExit().getNow(null); }

        boolean awaitExit(Duration d) {
            try {
                process.onExit().get(d.toNanos(), TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException | ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Null unless it died during its last request (release() already waited for the reaper when the socket broke). */
        ExitStatus exitIfDead() { return retiredAfterRequest ? null : exitNow(); }

        /** Both pumps are done: the pipes are closed together (which also gives back the large-pipe share). */
        private void pumpEnded() {
            if (pumps.decrementAndGet() == 0) {
                process.closePipes();
                pumpsDone.countDown();
                pipesOpen.remove(this);
            }
        }

        /** Waits up to {@code d} for the stderr pipe to hold nothing unread (the pump has it then). */
        void awaitStderrRead(Duration d) {
            long end = System.nanoTime() + d.toNanos();
            try {
                while (process.stderr().available() > 0 && System.nanoTime() < end) Thread.sleep(1);
            } catch (IOException e) {
                // closed: nothing left to read
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Whether both pumps reached EOF within {@code d}: nobody holds the process's pipes any more. */
        boolean awaitPumps(Duration d) {
            try {
                return pumpsDone.await(d.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /**
         * Ends what holds its pipes from outside its group (SIGTERM, SIGKILL after the kill grace), and says so; once:
         * close() and the wait after its death may both get here, and a second scan would find the same processes.
         */
        synchronized void endEscaped() {
            if (escapedEnded) return;
            escapedEnded = true;
            int escaped = process.endEscaped(killGrace);
            if (escaped > 0) {
                log.accept("fastcgi: " + commandLine + ": ended " + escaped + " escaped process(es) of worker pid " + pid
                        + " that had left its process group but held its pipes");
            }
        }

        /** Its stderr to the error log, tagged with the pool and pid, at most limits.stderrKiB over its life. */
        void pumpStderr() {
            StderrBudget budget = new StderrBudget(stderrLogBytes);
            String where = " (fastcgi " + commandLine + ", pid " + pid + ")";
            Serving[] owner = new Serving[1];       // whose line this is: the request served when it began
            new StderrCapture().drain(process.stderr(), () -> owner[0] = serving, line -> {
                Serving s = owner[0];
                RequestTrace t = s == null ? null : s.trace();
                if (s != null) s.stderr().add(line);
                // Its trace only while the request still runs: a line that began in it but ended after it is too late for it.
                if (t != null && s == serving && s.traced().getAndIncrement() < TRACED_STDERR_LINES) {
                    t.emit(new TraceEvent.CgiStderr(line));
                }
                String message = "fastcgi: stderr: " + LogText.escape(line) + where;
                boolean first = budget.dropped() == 0;
                if (budget.admit(message, line)) {
                    requestLog.accept(t == null ? null : t.context().requestId(), message);   // the request's line
                } else if (first) {           // a process lives long: say so now, not only when it ends
                    log.accept("fastcgi: stderr: more than limits.stderrKiB = " + (stderrLogBytes >> 10) + " KiB from"
                            + " this process; the rest is not logged" + where);
                }
            });
            if (budget.dropped() > 0) log.accept("fastcgi: stderr: " + budget.dropped() + " bytes were not logged" + where);
            pumpEnded();
        }

        /** A FastCGI application answers on its socket; what it writes to stdout is drained and reported. */
        void pumpStdout() {
            InputStream in = process.stdout();
            byte[] buf = new byte[8192];
            byte[] first = new byte[STDOUT_QUOTE];
            int kept = 0;
            long total = 0;
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (total == 0 || kept < STDOUT_QUOTE) {
                        int take = Math.min(n, STDOUT_QUOTE - kept);
                        System.arraycopy(buf, 0, first, kept, take);
                        kept += take;
                    }
                    if (total == 0) {
                        byte[] quote = java.util.Arrays.copyOf(first, kept);
                        log.accept("fastcgi: " + commandLine + " (pid " + pid + ") writes to its standard output, which a"
                                + " FastCGI application must not use (its answers go over the socket): "
                                + ByteQuote.quote(quote, STDOUT_QUOTE));
                    }
                    total += n;
                }
            } catch (IOException e) {
                // our end closed at shutdown
            }
            if (total > kept) {
                log.accept("fastcgi: " + commandLine + " (pid " + pid + ") wrote " + total + " bytes to its standard output"
                        + " in all; discarded");
            }
            pumpEnded();
        }

        @Override
        public String toString() { return "instance " + serial + " (pid " + pid + ")"; }
    }
}
