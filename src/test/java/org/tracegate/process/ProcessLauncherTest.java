package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.tracegate.process.Programs.*;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour both launchers share, checked with real programs. */
class ProcessLauncherTest {
    @TempDir Path dir;

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void catEchoesOneMebibyteWrittenConcurrently(ProcessLauncher launcher) throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(42).nextBytes(data);
        ChildProcess child = launcher.launch(spec(dir, "/bin/cat"));
        // Written from another thread while we read: cat would block on a full stdout pipe otherwise.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream in = child.stdin()) {
                for (int off = 0; off < data.length; off += 8192) in.write(data, off, 8192);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        CompletableFuture<byte[]> err = drain(child.stderr());
        byte[] out = child.stdout().readAllBytes();
        writer.get(10, TimeUnit.SECONDS);
        assertThat(Arrays.equals(out, data)).as("echoed bytes identical").isTrue();
        assertThat(err.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(child.onExit().get(10, TimeUnit.SECONDS)).extracting(ExitStatus::exitCode).isEqualTo(0);
        child.closePipes();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void separatesStdoutFromStderrAndReportsTheExitCode(ProcessLauncher launcher) throws Exception {
        Result r = run(launcher, sh(dir, "echo out; echo err >&2; exit 3"));
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
        assertThat(r.status().exitCode()).isEqualTo(3);
        assertThat(r.status().signalled()).isFalse();
        assertThat(r.status().describe()).isEqualTo("exit status 3");
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void reportsSigkill(ProcessLauncher launcher) throws Exception {
        ExitStatus s = run(launcher, sh(dir, "kill -KILL $$")).status();
        if (isNative(launcher)) {
            assertThat(s.signal()).isEqualTo(Signals.SIGKILL);
            assertThat(s.errorCode()).isEqualTo("SIGKILL");
        } else {
            assertThat(s).isEqualTo(ExitStatus.exited(128 + 9)); // the JDK's 128+N, reported as is
        }
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void missingProgramIsEnoent(ProcessLauncher launcher) {
        LaunchException e = catchThrowableOfType(LaunchException.class,
                () -> launcher.launch(spec(dir, dir.resolve("nope").toString())));
        assertThat(e.errno()).isEqualTo(2);
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.getMessage()).isEqualTo("cannot execute \"" + dir.resolve("nope")
                + "\": ENOENT (No such file or directory)");
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void fileWithoutExecuteBitIsEacces(ProcessLauncher launcher) throws Exception {
        Path p = dir.resolve("plain.sh");
        Files.writeString(p, "#!/bin/sh\necho hi\n");
        // root ignores permission bits for reading, but exec still needs one x bit somewhere.
        LaunchException e = catchThrowableOfType(LaunchException.class, () -> launcher.launch(spec(dir, p.toString())));
        assertThat(e.errnoName()).isEqualTo("EACCES");
        assertThat(e.errno()).isEqualTo(13);
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void shebangNamingAMissingInterpreterIsEnoent(ProcessLauncher launcher) throws Exception {
        Path p = executable(dir, "script.cgi", "#!/usr/bin/no-such-interpreter\nprint 1\n");
        LaunchException e = catchThrowableOfType(LaunchException.class, () -> launcher.launch(spec(dir, p.toString())));
        assertThat(e.errnoName()).isEqualTo("ENOENT");
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void environmentIsExactlyTheOneGiven(ProcessLauncher launcher) throws Exception {
        LaunchSpec spec = new LaunchSpec(java.util.List.of("/usr/bin/env"),
                Map.of("GATEWAY_INTERFACE", "CGI/1.1", "QUERY_STRING", "a=1&b= 2"), dir);
        Result r = run(launcher, spec);
        assertThat(r.out().lines().sorted()).containsExactly("GATEWAY_INTERFACE=CGI/1.1", "QUERY_STRING=a=1&b= 2");
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void workingDirectoryIsHonoured(ProcessLauncher launcher) throws Exception {
        Path sub = Files.createDirectory(dir.resolve("cgi-bin"));
        Result r = run(launcher, spec(sub, "/bin/pwd"));
        assertThat(r.out()).isEqualTo(sub.toRealPath() + "\n");
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void terminateKillsTheGrandchildAndRecordsWho(ProcessLauncher launcher) throws Exception {
        ChildProcess child = launcher.launch(sh(dir, "sleep 300 & echo $!; wait"));
        long grandchild = Long.parseLong(readLine(child.stdout()).trim());
        assertThat(dead(grandchild)).isFalse();
        child.terminate(EndedBy.CLIENT_DISCONNECT, Duration.ofSeconds(2));
        child.terminate(EndedBy.SHUTDOWN, Duration.ZERO); // second caller loses
        awaitDead(grandchild, Duration.ofSeconds(3));
        child.onExit().get(3, TimeUnit.SECONDS);
        assertThat(child.endedBy()).isEqualTo(EndedBy.CLIENT_DISCONNECT);
        child.closePipes();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void programIgnoringSigtermIsKilledAfterTheGrace(ProcessLauncher launcher) throws Exception {
        // SIG_IGN survives exec, so the sleep ignores TERM as well.
        ChildProcess child = launcher.launch(sh(dir, "trap '' TERM; echo ready; exec sleep 300"));
        assertThat(readLine(child.stdout())).isEqualTo("ready");
        long start = System.nanoTime();
        child.terminate(EndedBy.IDLE_TIMEOUT, Duration.ofMillis(300));
        ExitStatus s = child.onExit().get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        if (isNative(launcher)) assertThat(s.signal()).isEqualTo(Signals.SIGKILL);
        else assertThat(s.exitCode()).isEqualTo(128 + 9);
        assertThat(child.endedBy()).isEqualTo(EndedBy.IDLE_TIMEOUT);
        child.closePipes();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void terminateAfterExitLeavesEndedBySelf(ProcessLauncher launcher) throws Exception {
        ChildProcess child = launcher.launch(spec(dir, "/bin/true"));
        assertThat(child.onExit().get(5, TimeUnit.SECONDS).exitCode()).isZero();
        child.terminate(EndedBy.LINGER_TIMEOUT, Duration.ZERO);
        assertThat(child.endedBy()).isEqualTo(EndedBy.SELF);
        child.closePipes();
        child.closePipes(); // idempotent
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void exitIsCollectedEvenIfNobodyAsks(ProcessLauncher launcher) throws Exception {
        ChildProcess child = launcher.launch(spec(dir, "/bin/true"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stat(child.pid()) != null && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(stat(child.pid())).as("reaped, not a zombie").isNull();
        // Completion is handed to another thread; it follows the reap closely.
        assertThat(child.onExit().get(2, TimeUnit.SECONDS).exitCode()).isZero();
        child.closePipes();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#launchers")
    void twoHundredLaunchesLeaveNoZombieAndNoDescriptor(ProcessLauncher launcher) throws Exception {
        run(launcher, spec(dir, "/bin/true")); // warm up: reaper thread, epoll fd, JDK helpers
        int before = openFds();
        for (int i = 0; i < 200; i++) {
            ChildProcess c = launcher.launch(spec(dir, "/bin/true"));
            c.onExit().get(5, TimeUnit.SECONDS);
            c.closePipes();
        }
        assertThat(zombieChildren()).isEmpty();
        // The JDK closes its pidfd-free reaper state lazily; allow a moment for in-flight closes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (openFds() > before && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(openFds()).isLessThanOrEqualTo(before);
    }
}
