package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tracegate.process.Programs.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Descendants that leave the program's process group: found through its pipes, adopted by us, ended and reaped. */
class EscapedProcessesTest {
    private static final Duration GRACE = Duration.ofSeconds(2);
    @TempDir Path dir;

    /** Orphans are re-parented to the nearest subreaper: the JVM for its own children, the helper for its. */
    private static long subreaper(ProcessLauncher launcher) {
        return launcher instanceof HelperLauncher h ? h.helperPid() : ProcessHandle.current().pid();
    }

    /** Gone from /proc altogether: dead and reaped (a zombie child of ours would still be listed). */
    private static void awaitReaped(long pid, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (stat(pid) != null && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(stat(pid)).as("pid %d reaped within %s", pid, within).isNull();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void aSetsidDaemonHoldingStdoutIsEndedAndTheCallerSeesEof(ProcessLauncher launcher) throws Exception {
        // The daemon prints its pid, then keeps the inherited stdout (and stderr) open in a session of its own.
        ChildProcess child = launcher.launch(sh(dir, "setsid sh -c 'echo $$; exec sleep 300' &"));
        child.stdin().close();
        long daemon = Long.parseLong(readLine(child.stdout()));
        assertThat(child.onExit().get(10, TimeUnit.SECONDS).exitCode()).isZero();
        Stat st = stat(daemon);
        assertThat(st).isNotNull();
        assertThat(st.pgrp()).as("left the program's group").isNotEqualTo(child.pid());
        assertThat(ProcessHandle.of(daemon).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .as("re-parented to the subreaper").contains(subreaper(launcher));
        CompletableFuture<byte[]> rest = drain(child.stdout());
        Thread.sleep(200);
        assertThat(rest).as("no EOF while the daemon holds stdout").isNotDone();

        long start = System.nanoTime();
        assertThat(child.endEscaped(GRACE)).isEqualTo(1);
        assertThat(rest.get(GRACE.toMillis() + 1000, TimeUnit.MILLISECONDS)).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(GRACE);
        awaitReaped(daemon, Duration.ofSeconds(2)); // no zombie: the reaper collected the adopted orphan
        assertThat(child.endEscaped(GRACE)).as("nothing left").isZero();
        child.closePipes();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void aDaemonIgnoringSigtermAndItsChildrenAreKilledAfterTheGrace(ProcessLauncher launcher) throws Exception {
        // The holder ignores SIGTERM and has a child of its own that does not hold the pipe.
        ChildProcess child = launcher.launch(sh(dir, "setsid sh -c 'trap \"\" TERM; echo $$; "
                + "sleep 300 >/dev/null 2>&1 </dev/null & echo $!; wait' &"));
        child.stdin().close();
        long holder = Long.parseLong(readLine(child.stdout()));
        long grandchild = Long.parseLong(readLine(child.stdout()));
        child.onExit().get(10, TimeUnit.SECONDS);
        CompletableFuture<byte[]> rest = drain(child.stderr());
        assertThat(child.endEscaped(Duration.ofMillis(300))).as("the holder and its child").isEqualTo(2);
        rest.get(5, TimeUnit.SECONDS);
        awaitReaped(holder, Duration.ofSeconds(3));
        awaitReaped(grandchild, Duration.ofSeconds(3));
        child.closePipes();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void processesInTheProgramsOwnGroupAreNotEscaped(ProcessLauncher launcher) throws Exception {
        ChildProcess child = launcher.launch(sh(dir, "sleep 300"));
        try {
            assertThat(child.endEscaped(GRACE)).as("the group is terminate()'s business").isZero();
        } finally {
            child.terminate(EndedBy.SELF, Duration.ZERO);
            child.onExit().get(5, TimeUnit.SECONDS);
            child.closePipes();
        }
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void aDoubleForkedDaemonThatClosedItsDescriptorsIsAdoptedAndReapedWhenItExits(ProcessLauncher launcher) throws Exception {
        long before = Reaper.INSTANCE.adoptedReaped();
        Result r = run(launcher, sh(dir, "( sh -c 'echo $$; exec >/dev/null 2>&1 </dev/null; sleep 1' & )"));
        long daemon = Long.parseLong(r.out().trim());
        assertThat(ProcessHandle.of(daemon).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .as("re-parented to the subreaper").contains(subreaper(launcher));
        awaitReaped(daemon, Duration.ofSeconds(4)); // the helper reaps its adopted orphans at once
        if (launcher instanceof NativeLauncher) assertThat(Reaper.INSTANCE.adoptedReaped()).isGreaterThan(before);
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void adoptedReapingNeverStealsATrackedChildsStatus(ProcessLauncher launcher) throws Exception {
        // Quick exits race the adopted-orphan sweep; each must still report its own status.
        for (int i = 0; i < 100; i++) {
            assertThat(run(launcher, sh(dir, "( true & ); exit " + (i % 7))).status().exitCode()).isEqualTo(i % 7);
        }
    }
}
