package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tracegate.process.Programs.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only posix_spawn can promise: signals, core flag, process group, rusage, exact descriptors. */
class NativeLauncherTest {
    @TempDir Path dir;
    private final NativeLauncher launcher = new NativeLauncher();

    private static boolean plainCorePattern() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/core_pattern")).trim().equals("core");
    }

    @Test
    void reportsSigsegvWithoutCore() throws Exception {
        assumeTrue(plainCorePattern(), "a piped core_pattern ignores RLIMIT_CORE");
        ExitStatus s = run(launcher, sh(dir, "ulimit -c 0; kill -SEGV $$")).status();
        assertThat(s.signal()).isEqualTo(11);
        assertThat(s.exitCode()).isEqualTo(-1);
        assertThat(s.coreDumped()).isFalse();
        assertThat(s.errorCode()).isEqualTo("SIGSEGV");
        assertThat(s.describe()).isEqualTo("signal SIGSEGV");
    }

    @Test
    void reportsTheCoreDumpFlag() throws Exception {
        assumeTrue(plainCorePattern(), "core files land in the working directory only with core_pattern=core");
        // Core files only when asked for: ResourceLimits.DEFAULT sets RLIMIT_CORE to 0.
        ExitStatus s = run(launcher, sh(dir, "ulimit -c unlimited || exit 99; kill -SEGV $$")
                .withLimits(ResourceLimits.DEFAULT.withCoreBytes(ResourceLimits.UNLIMITED))).status();
        assumeTrue(s.exitCode() != 99, "hard RLIMIT_CORE is 0 here");
        assertThat(s.signal()).isEqualTo(Signals.SIGSEGV);
        assertThat(s.coreDumped()).isTrue();
        assertThat(s.describe()).isEqualTo("signal SIGSEGV (core dumped)");
    }

    @Test
    void childLeadsItsOwnProcessGroup() throws Exception {
        ChildProcess child = launcher.launch(spec(dir, "/bin/cat"));
        assertThat(stat(child.pid()).pgrp()).isEqualTo(child.pid());
        child.stdin().close();
        assertThat(child.onExit().get(5, TimeUnit.SECONDS).exitCode()).isZero();
        child.closePipes();
    }

    /** Stdout pipes are enlarged for at most LargePipes.MAX_AT_ONCE programs at once; closing gives shares back. */
    @Test
    void largeStdoutPipesAreBoundedAndGivenBack() throws Exception {
        int before = LargePipes.inUse();
        List<ChildProcess> children = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < LargePipes.MAX_AT_ONCE + 3; i++) children.add(launcher.launch(spec(dir, "/bin/cat")));
            assertThat(LargePipes.inUse()).isEqualTo(LargePipes.MAX_AT_ONCE);
            // The first child's stdout takes 256 KiB without a reader: a 64 KiB pipe would block the writer.
            ChildProcess first = children.getFirst();
            byte[] chunk = new byte[200 * 1024];
            first.stdin().write(chunk);
            first.stdin().close();
            assertThat(first.onExit().get(10, TimeUnit.SECONDS).exitCode()).as("cat wrote 200 KiB unread").isZero();
            assertThat(first.stdout().readAllBytes()).hasSize(chunk.length);
        } finally {
            for (ChildProcess c : children) {
                c.stdin().close();
                c.onExit().get(10, TimeUnit.SECONDS);
                c.closePipes();
                c.closePipes(); // idempotent: the share is given back once
            }
        }
        assertThat(LargePipes.inUse()).isEqualTo(before);
    }

    @Test
    void reportsCpuTimeAndPeakMemory() throws Exception {
        ExitStatus s = run(launcher, sh(dir, "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done")).status();
        assertThat(s.exitCode()).isZero();
        assertThat(s.cpuMillis()).isGreaterThan(10);
        assertThat(s.maxRssKiB()).isGreaterThan(100);
    }

    @Test
    void childInheritsOnlyItsThreePipes() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            // Bait: a pipe WITHOUT close-on-exec, like the JVM's sockets. closefrom(3) must keep it out.
            MemorySegment bait = arena.allocate(ValueLayout.JAVA_INT, 2);
            Libc.pipe2(bait, 0);
            try {
                // ls is a child of sh and lists sh's descriptors, not its own directory fd.
                Result r = run(launcher, sh(dir, "ls /proc/$$/fd"));
                assertThat(r.out().lines()).containsExactly("0", "1", "2");
            } finally {
                Libc.close(bait.getAtIndex(ValueLayout.JAVA_INT, 0));
                Libc.close(bait.getAtIndex(ValueLayout.JAVA_INT, 1));
            }
        }
    }

    @Test
    void childStartsWithNoBlockedAndNoIgnoredSignals() throws Exception {
        Result r = run(launcher, spec(dir, "/bin/cat", "/proc/self/status"));
        Map<String, Long> sig = r.out().lines().filter(l -> l.startsWith("SigBlk:") || l.startsWith("SigIgn:"))
                .collect(java.util.stream.Collectors.toMap(l -> l.substring(0, 6),
                        l -> Long.parseUnsignedLong(l.substring(7).trim(), 16)));
        assertThat(sig.get("SigBlk")).isZero();
        long ours = 0;
        for (int s : List.of(Signals.SIGPIPE, Signals.SIGINT, Signals.SIGQUIT, Signals.SIGTERM, Signals.SIGHUP,
                Signals.SIGCHLD, Signals.SIGUSR1, Signals.SIGUSR2, Signals.SIGALRM)) ours |= 1L << (s - 1);
        assertThat(sig.get("SigIgn") & ours).isZero();
    }

    @Test
    void textFileWithoutShebangIsEnoexec() throws Exception {
        // glibc >= 2.15 no longer retries with /bin/sh in posix_spawn: the exec errno comes back as is.
        Path p = executable(dir, "noshebang", "echo from-sh\n");
        LaunchException e = catchThrowableOfType(LaunchException.class, () -> launcher.launch(spec(dir, p.toString())));
        assertThat(e.errno()).isEqualTo(8);
        assertThat(e.errnoName()).isEqualTo("ENOEXEC");
        assertThat(e.getMessage()).isEqualTo("cannot execute \"" + p + "\": ENOEXEC (Exec format error)");
    }

    @Test
    void processBuilderRunsATextFileWithoutShebangThroughSh() throws Exception {
        // The JDK's own ENOEXEC fallback: documented difference between the launchers.
        Path p = executable(dir, "noshebang", "echo from-sh\n");
        assertThat(run(new ProcessBuilderLauncher(), spec(dir, p.toString())).out()).isEqualTo("from-sh\n");
    }

    @Test
    void directoryIsEacces() {
        LaunchException e = catchThrowableOfType(LaunchException.class, () -> launcher.launch(spec(dir, "/usr")));
        assertThat(e.errnoName()).isEqualTo("EACCES");
    }

    @Test
    void missingWorkingDirectoryIsNamed() {
        Path gone = dir.resolve("gone");
        LaunchException e = catchThrowableOfType(LaunchException.class, () -> launcher.launch(spec(gone, "/bin/true")));
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.getMessage()).startsWith("cannot change to directory \"" + gone + "\"");
    }

    @Test
    void nulByteIsRefusedBeforeSpawning() {
        int before = openFds();
        LaunchException e = catchThrowableOfType(LaunchException.class,
                () -> launcher.launch(spec(dir, "/bin/echo", "a\0b")));
        assertThat(e.errnoName()).isEqualTo("EINVAL");
        assertThat(openFds()).isLessThanOrEqualTo(before);
    }

    @Test
    void failedExecLeaksNoDescriptor() throws Exception {
        launcher.launch(spec(dir, "/bin/true")).onExit().get(5, TimeUnit.SECONDS);
        int before = openFds();
        for (int i = 0; i < 50; i++) {
            catchThrowableOfType(LaunchException.class, () -> launcher.launch(spec(dir, "/nonexistent")));
        }
        assertThat(openFds()).isLessThanOrEqualTo(before);
    }

    @Test
    void decodesWaitStatus() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ru = arena.allocate(Libc.RUSAGE);
            ru.set(ValueLayout.JAVA_LONG, Libc.RU_UTIME, 1);                     // 1 s user
            ru.set(ValueLayout.JAVA_LONG, Libc.RU_STIME + Libc.TV_USEC, 250_000); // 0.25 s system
            ru.set(ValueLayout.JAVA_LONG, Libc.RU_MAXRSS, 4096);
            assertThat(Reaper.exitStatus(3 << 8, ru)).isEqualTo(new ExitStatus(3, 0, false, 1250, 4096));
            assertThat(Reaper.exitStatus(0x80 | 11, ru)).isEqualTo(new ExitStatus(-1, 11, true, 1250, 4096));
            assertThat(Reaper.exitStatus(9, ru)).isEqualTo(new ExitStatus(-1, 9, false, 1250, 4096));
        }
    }
}
