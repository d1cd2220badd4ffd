package org.tracegate.process;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tracegate.process.Programs.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the spawn helper promises: limits before main(), its own descriptors kept, its death and end handled. */
class HelperLauncherTest {
    private static final Credentials NOBODY = CredentialsTest.NOBODY;
    @TempDir Path dir;

    @BeforeEach
    void helperAndRoot() throws Exception {
        assumeTrue(HELPER != null, "no spawn helper in this build: " + HelperLauncher.unavailableBecause());
        assumeTrue(ProcStatus.ofThisThread().isRoot(), "the helper tests run as root (here and in CI)");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody works here too
    }

    @Test
    void limitsAreInPlaceBeforeMainInEveryLaunch() throws Exception {
        Path window = compile(Path.of("bench/limits-window.c"), dir.resolve("limits-window"), true);
        ResourceLimits limits = ResourceLimits.DEFAULT.withProcesses(4000).withOpenFiles(77).withCpuSeconds(600)
                .withFileSizeBytes(1L << 30).withAddressSpaceBytes(8L << 30);
        List<String> argv = List.of(window.toString(), "nproc=4000", "nofile=77", "cpu=600", "fsize=1073741824",
                "as=8589934592", "core=0");
        for (Credentials c : java.util.Arrays.asList(null, NOBODY)) {
            Map<String, Integer> said = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                Result r = run(HELPER, new LaunchSpec(argv, ENV, dir, c, limits));
                said.merge(r.out().trim().replaceAll("^late .*", "late"), 1, Integer::sum);
            }
            assertThat(said).as("as %s", c == null ? "the server" : "nobody").isEqualTo(Map.of("ready 0", 200));
        }
    }

    @Test
    void execFailuresReportTheSameErrnoAndTextAsNativeLauncher() throws Exception {
        Path plain = Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\n");
        Path noShebang = executable(dir, "noshebang", "echo from-sh\n");
        Path missingInterpreter = executable(dir, "missing-interpreter", "#!/nonexistent/interpreter\n");
        List<LaunchSpec> specs = List.of(spec(dir, "/nonexistent"), spec(dir, plain.toString()), spec(dir, "/usr"),
                spec(dir, noShebang.toString()), spec(dir, missingInterpreter.toString()),
                spec(dir.resolve("gone"), "/bin/true"), spec(dir, "/nonexistent").withCredentials(NOBODY));
        NativeLauncher nativeLauncher = new NativeLauncher();
        for (LaunchSpec s : specs) {
            LaunchException viaNative = catchThrowableOfType(LaunchException.class, () -> nativeLauncher.launch(s));
            LaunchException viaHelper = catchThrowableOfType(LaunchException.class, () -> HELPER.launch(s));
            assertThat(viaHelper).as(s.commandLine()).isNotNull();
            assertThat(viaHelper.errnoName()).as(s.commandLine()).isEqualTo(viaNative.errnoName());
            assertThat(viaHelper.errno()).isEqualTo(viaNative.errno());
            assertThat(viaHelper.getMessage()).isEqualTo(viaNative.getMessage());
        }
        assertThat(catchThrowableOfType(LaunchException.class, () -> HELPER.launch(spec(dir, missingInterpreter.toString())))
                .getMessage()).isEqualTo("cannot execute \"" + missingInterpreter + "\": ENOENT (No such file or directory)");
    }

    @Test
    void programsGetOnlyTheirThreePipesAndNothingOfTheHelpers() throws Exception {
        List<String> helperFds = fdTargets(HELPER.helperPid());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bait = arena.allocate(JAVA_INT, 2);
            Libc.pipe2(bait, 0); // not close-on-exec, like the JVM's sockets
            try {
                for (Credentials c : java.util.Arrays.asList(null, NOBODY)) {
                    // ls, a child of sh, lists sh's descriptors (a $(...) in sh would add a pipe of its own)
                    Result r = run(HELPER, sh(dir, "ls -l /proc/$$/fd").withCredentials(c));
                    List<String> lines = r.out().lines().filter(l -> l.contains(" -> "))
                            .map(l -> l.replaceAll(".* (\\d+) -> (.*)$", "$1 $2")).toList();
                    assertThat(lines).hasSize(3);
                    assertThat(lines).extracting(l -> l.split(" ")[0]).containsExactly("0", "1", "2");
                    assertThat(lines).allSatisfy(l -> assertThat(l.split(" ")[1]).startsWith("pipe:["));
                    assertThat(lines.stream().map(l -> l.split(" ")[1]).distinct()).as("three pipes").hasSize(3);
                    for (String l : lines) assertThat(helperFds).doesNotContain(l.split(" ")[1]);
                }
            } finally {
                Libc.close(bait.getAtIndex(JAVA_INT, 0));
                Libc.close(bait.getAtIndex(JAVA_INT, 1));
            }
        }
    }

    @Test
    void theHelperHoldsItsSocketAndItsSignalfdAndNothingElse() throws Exception {
        Map<String, String> fds = new HashMap<>();
        for (String l : fdList(HELPER.helperPid())) fds.put(l.split(" ")[0], l.split(" ")[1]);
        assertThat(fds.keySet()).containsExactlyInAnyOrder("0", "1", "2", "3");
        assertThat(fds.get("0")).startsWith("socket:[");
        assertThat(fds.get("3")).isEqualTo("anon_inode:[signalfd]");
        Stat st = stat(HELPER.helperPid());
        assertThat(st.pgrp()).as("leads its own group").isEqualTo(HELPER.helperPid());
    }

    /** PR_SET_PDEATHSIG survives the credential switch and the exec (prctl(PR_GET_PDEATHSIG), through perl's syscall). */
    @Test
    void everyProgramDiesWithTheHelper() throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the syscall number below is x86-64's");
        String script = "my $b = pack('i', -1); syscall(157, 2, $b) == 0 or die \"prctl: $!\"; print unpack('i', $b)";
        for (Credentials c : java.util.Arrays.asList(null, NOBODY)) {
            Result r = run(HELPER, spec(dir, "/usr/bin/perl", "-e", script).withCredentials(c));
            assertThat(r.out()).as(r.err()).isEqualTo(Integer.toString(Signals.SIGKILL));
        }
    }

    /** Many threads launching at once, as different users: each child has its own pipes and its own identity. */
    @Test
    void concurrentLaunchesEachGetTheirOwnPipesAndCredentials() throws Exception {
        int threads = 8, each = 20;
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    Credentials c = id == 0 ? null : new Credentials(21000 + id, 31000 + id, List.of());
                    String ids = c == null ? "0 0" : c.uid() + " " + c.gid();
                    for (int i = 0; i < each; i++) {
                        String token = "t" + id + "-" + i;
                        ChildProcess child = HELPER.launch(sh(Path.of("/"), "read x; echo \"$x $(id -u) $(id -g)\"; echo e$x >&2")
                                .withCredentials(c));
                        try (OutputStream in = child.stdin()) {
                            in.write((token + "\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        String out = new String(child.stdout().readAllBytes(), StandardCharsets.US_ASCII);
                        String err = new String(child.stderr().readAllBytes(), StandardCharsets.US_ASCII);
                        child.onExit().get(10, TimeUnit.SECONDS);
                        child.closePipes();
                        if (!out.equals(token + " " + ids + "\n") || !err.equals("e" + token + "\n")) {
                            wrong.add(token + ": " + out.trim() + " / " + err.trim());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get(120, TimeUnit.SECONDS);
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void killingTheHelperEndsItsProgramsReportsItAndTheNextLaunchGetsANewOne() throws Exception {
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        HelperLauncher launcher = new HelperLauncher(said::add);
        try {
            List<ChildProcess> children = List.of(launcher.launch(sh(dir, "sleep 300")),
                    launcher.launch(sh(dir, "trap '' TERM; sleep 300; :").withCredentials(NOBODY)),
                    launcher.launch(sh(dir, "sleep 300 & echo $!; wait")));
            long grandchild = Long.parseLong(readLine(children.get(2).stdout()));
            long old = launcher.helperPid();
            Libc.kill((int) old, Signals.SIGKILL);
            for (ChildProcess c : children) {
                ExitStatus s = c.onExit().get(5, TimeUnit.SECONDS);
                assertThat(s.isLost()).as(s.describe()).isTrue();
                assertThat(s.describe()).isEqualTo("no exit status (the spawn helper died; the program was killed)");
                assertThat(s.errorCode()).isEqualTo("unknown");
                awaitDead(c.pid(), Duration.ofSeconds(2));
                c.closePipes();
            }
            awaitDead(grandchild, Duration.ofSeconds(2)); // in a program's group: the group kill got it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (said.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(said).singleElement().asString().startsWith("tracegate: the spawn helper (pid " + old + ")")
                    .contains("signal SIGKILL").contains("3 running program(s) killed");
            assertThat(run(launcher, sh(dir, "echo again")).out()).isEqualTo("again\n");
            assertThat(launcher.helperPid()).isNotEqualTo(old).isPositive();
            assertThat(zombieChildren()).isEmpty();
        } finally {
            launcher.close();
        }
    }

    @Test
    void aLaunchInFlightWhenTheHelperDiesFailsAndTheNextOneWorks() throws Exception {
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        HelperLauncher launcher = new HelperLauncher(said::add);
        try {
            long old = launcher.helperPid();
            Libc.kill((int) old, Signals.SIGSTOP); // the request waits in its socket
            java.util.concurrent.CompletableFuture<Throwable> launch = new java.util.concurrent.CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    launcher.launch(sh(dir, "echo never")).terminate(EndedBy.SELF, Duration.ZERO);
                    launch.complete(null);
                } catch (Throwable t) {
                    launch.complete(t);
                }
            });
            Thread.sleep(300);
            assertThat(launch).as("waiting for the stopped helper").isNotDone();
            Libc.kill((int) old, Signals.SIGKILL);
            Throwable t = launch.get(5, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(LaunchException.class)
                    .hasMessage("cannot start \"/bin/sh\": the spawn helper (pid " + old + ") closed its socket while starting it");
            awaitDead(old, Duration.ofSeconds(2));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (said.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(said).singleElement().asString().contains("0 running program(s) killed, 1 launch(es) failed");
            assertThat(run(launcher, sh(dir, "echo again")).out()).isEqualTo("again\n");
        } finally {
            launcher.close();
        }
    }

    /** Every start writes the binary to a new 0700 directory and removes it once the helper runs: nothing can linger. */
    @Test
    void theBinaryIsOnDiskOnlyWhileTheHelperStarts() throws Exception {
        HelperLauncher launcher = new HelperLauncher(line -> { });
        try {
            long old = launcher.helperPid();
            String exe = Files.readSymbolicLink(Path.of("/proc/" + old + "/exe")).toString();
            assertThat(exe).matches(".*/tracegate-spawn-\\d+/tracegate-spawn \\(deleted\\)");
            assertThat(Path.of(exe.replace(" (deleted)", "")).getParent()).doesNotExist();
            Libc.kill((int) old, Signals.SIGKILL);
            awaitDead(old, Duration.ofSeconds(2));
            assertThat(run(launcher, sh(dir, "echo again")).out()).isEqualTo("again\n");
            String next = Files.readSymbolicLink(Path.of("/proc/" + launcher.helperPid() + "/exe")).toString();
            assertThat(next).endsWith(" (deleted)").isNotEqualTo(exe);
        } finally {
            launcher.close();
        }
    }

    @Test
    void closeLeavesNoHelperNoZombiesAndNoFiles() throws Exception {
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        HelperLauncher launcher = new HelperLauncher(said::add);
        long helper = launcher.helperPid();
        Path binary = Path.of(Files.readSymbolicLink(Path.of("/proc/" + helper + "/exe")).toString().replace(" (deleted)", ""));
        assertThat(binary.getParent().getFileName().toString()).startsWith("tracegate-spawn-");
        for (int i = 0; i < 20; i++) assertThat(run(launcher, sh(dir, "exit " + i)).status().exitCode()).isEqualTo(i);
        ChildProcess running = launcher.launch(sh(dir, "sleep 300"));
        launcher.close();
        assertThat(running.onExit().get(5, TimeUnit.SECONDS).describe())
                .isEqualTo("no exit status (the spawn launcher was closed; the program was killed)");
        awaitDead(running.pid(), Duration.ofSeconds(2));
        running.closePipes();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stat(helper) != null && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(stat(helper)).as("the helper is gone and reaped").isNull();
        assertThat(binary.getParent()).doesNotExist();
        assertThat(zombieChildren()).isEmpty();
        assertThat(said).as("closing is no problem to report").isEmpty();
        LaunchException e = catchThrowableOfType(LaunchException.class, () -> launcher.launch(sh(dir, "true")));
        assertThat(e.getMessage()).contains("closed");
    }

    /** The private directory, while it exists: 0700 and the file 0500, owned by the server. */
    @Test
    void theBinaryIsWrittenPrivately() throws Exception {
        HelperBinary binary = HelperBinary.extract();
        try {
            assertThat(Files.getPosixFilePermissions(binary.directory)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(binary.file)).isEqualTo(PosixFilePermissions.fromString("r-x------"));
            assertThat(Files.getOwner(binary.file).getName()).isEqualTo("root");
            assertThat(binary.directory.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        } finally {
            binary.delete();
        }
        assertThat(binary.directory).doesNotExist();
    }

    @Test
    void anEnvironmentTooBigForOneMessageIsE2bigAndLeaksNothing() throws Exception {
        run(HELPER, sh(dir, "true"));
        int before = openFds();
        Map<String, String> env = new HashMap<>(ENV);
        env.put("HUGE", "x".repeat(4 << 20));
        LaunchException e = catchThrowableOfType(LaunchException.class,
                () -> HELPER.launch(new LaunchSpec(List.of("/bin/true"), env, dir)));
        assertThat(e.errnoName()).isEqualTo("E2BIG");
        assertThat(e.getMessage()).contains("more than the spawn helper accepts");
        assertThat(openFds()).isLessThanOrEqualTo(before);
        assertThat(run(HELPER, sh(dir, "echo fine")).out()).isEqualTo("fine\n");
    }

    @Test
    void aNulByteIsRefusedBeforeAnythingIsMade() {
        int before = openFds();
        LaunchException e = catchThrowableOfType(LaunchException.class, () -> HELPER.launch(spec(dir, "/bin/echo", "a\0b")));
        assertThat(e.errnoName()).isEqualTo("EINVAL");
        assertThat(openFds()).isLessThanOrEqualTo(before);
    }

    /** The helper trusts only its parent, yet checks every message: a malformed one ends it with one stderr line. */
    @Test
    void aMalformedMessageMakesTheHelperSayWhatAndExit() throws Exception {
        for (Map.Entry<String, byte[]> bad : Map.of(
                "a message without the protocol's magic number", header(0x12345678, HelperProtocol.VERSION, 1, 24),
                "a message of another protocol version", header(HelperProtocol.MAGIC, 1, 1, 24), // version 1: before FLAG_LISTEN_SOCKET
                "a message whose length field does not match its size", header(HelperProtocol.MAGIC, HelperProtocol.VERSION, 1, 99),
                "SPAWN shorter than its fixed part", header(HelperProtocol.MAGIC, HelperProtocol.VERSION, 1, 24),
                "a message of an unknown type", header(HelperProtocol.MAGIC, HelperProtocol.VERSION, 7, 24)).entrySet()) {
            assertThat(rawHelper(bad.getValue())).isEqualTo(new RawEnd(2,
                    "tracegate-spawn: malformed message from the server (" + bad.getKey() + "); ending its programs and exiting\n"));
        }
    }

    @Test
    void anOrdinarySpawnThroughTheRawProtocolWorks() throws Exception {
        // The same path, well-formed: a SPAWN of /bin/true answers SPAWNED then EXITED, and EOF ends the helper with 0.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = HelperProtocol.spawn(arena, spec(dir, "/bin/true"));
            HelperProtocol.setId(m, 7);
            assertThat(rawHelper(m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))).isEqualTo(new RawEnd(0, ""));
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private record RawEnd(int exitCode, String stderr) {}

    private static byte[] header(int magic, int version, int type, int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(24);
            m.set(HelperProtocol.INT, 0, magic);
            m.set(HelperProtocol.SHORT, 4, (short) version);
            m.set(HelperProtocol.SHORT, 6, (short) type);
            m.set(HelperProtocol.INT, 8, length);
            return m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * Starts a helper of our own with its stderr on a pipe, reads its HELLO, sends {@code message} with three
     * descriptors, answers nothing, closes its socket, and returns its exit code and everything it said.
     */
    private RawEnd rawHelper(byte[] message) throws Exception {
        HelperBinary binary = HelperBinary.extract();
        int[] sv = Sockets.seqpacketPair();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pair = arena.allocate(JAVA_INT, 2);
            Libc.pipe2(pair, Libc.O_CLOEXEC);
            int errRead = pair.getAtIndex(JAVA_INT, 0), errWrite = pair.getAtIndex(JAVA_INT, 1);
            MemorySegment pidOut = arena.allocate(JAVA_INT);
            LaunchSpec spec = new LaunchSpec(List.of(binary.file.toString(), "500"), ENV, Path.of("/"), null,
                    ResourceLimits.INHERITED);
            NativeChild helper;
            NativeChild.GROUP_LOCK.readLock().lock();
            try {
                assertThat(NativeLauncher.spawn(arena, spec, new int[] {sv[1], -1, -1, errWrite, -1, errWrite}, pidOut).rc()).isZero();
                helper = new NativeChild(pidOut.get(JAVA_INT, 0), new long[0], OutputStream.nullOutputStream(),
                        InputStream.nullInputStream(), InputStream.nullInputStream(), false, ExitSource.JVM);
            } finally {
                NativeChild.GROUP_LOCK.readLock().unlock();
            }
            Reaper.INSTANCE.register(helper);
            Libc.close(sv[1]);
            Libc.close(errWrite);
            MemorySegment reply = arena.allocate(256, 8);
            assertThat(Sockets.awaitReadable(sv[0], 10_000)).isTrue();
            assertThat(Sockets.recv(sv[0], reply, Libc.allocateCapture(arena))).isEqualTo(40); // HELLO
            assertThat(HelperProtocol.type(reply)).isEqualTo(HelperProtocol.HELLO);
            MemorySegment m = arena.allocate(message.length, 8);
            MemorySegment.copy(message, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, message.length);
            Libc.pipe2(pair, Libc.O_CLOEXEC); // three descriptors to send along: a pipe's ends and /dev/null-like
            int a = pair.getAtIndex(JAVA_INT, 0), b = pair.getAtIndex(JAVA_INT, 1);
            Sockets.sendWithFds(sv[0], m, a, b, b);
            Libc.close(a);
            Libc.close(b);
            Thread.sleep(200); // let it answer (a SPAWN's SPAWNED and EXITED), then EOF
            Sockets.shutdown(sv[0]);
            var err = new java.io.FileInputStream(Descriptors.wrap(errRead));
            String said = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            err.close();
            ExitStatus status = helper.onExit().get(10, TimeUnit.SECONDS);
            return new RawEnd(status.exitCode(), said);
        } finally {
            Libc.close(sv[0]);
            binary.delete();
        }
    }

    /** "N target" for each descriptor of a process. */
    private static List<String> fdList(long pid) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : s.toList()) out.add(p.getFileName() + " " + Files.readSymbolicLink(p));
        }
        return out;
    }

    private static List<String> fdTargets(long pid) throws Exception {
        return fdList(pid).stream().map(l -> l.split(" ", 2)[1]).toList();
    }
}
