package org.tracegate.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** A program started by {@link ProcessBuilderLauncher}; the JDK reaps it. */
final class ProcessBuilderChild implements ChildProcess {
    private static final ScheduledExecutorService KILLER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tracegate-pb-killer").daemon().factory());

    private final Process process;
    private final AtomicReference<EndedBy> endedBy = new AtomicReference<>();
    private final AtomicBoolean terminating = new AtomicBoolean();
    private final CompletableFuture<ExitStatus> exit;

    ProcessBuilderChild(Process process) {
        this.process = process;
        // An exit value above 128 may be a signal death (the JDK reports 128+N) or a real exit(128+N):
        // we cannot tell, so it is reported as the exit code, unchanged.
        this.exit = process.onExit().handle((p, failure) -> {
            endedBy.compareAndSet(null, EndedBy.SELF);
            return ExitStatus.exited(process.exitValue());
        });
    }

    @Override public long pid() { return process.pid(); }
    @Override public OutputStream stdin() { return process.getOutputStream(); }
    @Override public InputStream stdout() { return process.getInputStream(); }
    @Override public InputStream stderr() { return process.getErrorStream(); }
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
        // No process group here: snapshot the tree now, since a grandchild is re-parented (and drops out of
        // descendants()) once its parent dies. ProcessHandle checks the start time, so a reused pid is safe.
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        long nanos;
        try {
            nanos = Math.max(0, grace.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        KILLER.schedule(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    /** Not supported: the JDK does not give us the pipes' descriptors, and there is no process group to leave. */
    @Override
    public int endEscaped(Duration grace) {
        return 0;
    }

    @Override
    public void closePipes() {
        for (var c : new java.io.Closeable[] {process.getOutputStream(), process.getInputStream(), process.getErrorStream()}) {
            try {
                c.close();
            } catch (IOException ignored) {
                // flushing stdin into a dead program fails; the pipe is closed all the same
            }
        }
    }
}
