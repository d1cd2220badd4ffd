package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared helpers for the launcher tests: real programs, output capture, /proc inspection. */
final class Programs {
    static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C");

    private Programs() {}

    /** One helper launcher for the tests that share it (never closed: its helper ends with the JVM); null without one. */
    static final HelperLauncher HELPER = HelperLauncher.unavailableBecause() == null ? new HelperLauncher() : null;

    static Stream<ProcessLauncher> launchers() {
        return Stream.concat(nativeLaunchers(), Stream.of(new ProcessBuilderLauncher()));
    }

    /** The launchers that start NativeChildren: posix_spawn in the JVM and, when this build has it, the spawn helper. */
    static Stream<ProcessLauncher> nativeLaunchers() {
        return HELPER == null ? Stream.of(new NativeLauncher()) : Stream.of(new NativeLauncher(), HELPER);
    }

    static LaunchSpec spec(Path dir, String... argv) {
        return new LaunchSpec(List.of(argv), ENV, dir);
    }

    static LaunchSpec sh(Path dir, String script) {
        return spec(dir, "/bin/sh", "-c", script);
    }

    /**
     * Compiles a C program with gcc (-O2, and -static when asked: it then reaches main() fastest) into {@code out},
     * mode 0755; skips the calling test when there is no gcc.
     */
    static Path compile(Path source, Path out, boolean statically) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", out.toString(), source.toString()));
        if (statically) cmd.add(1, "-static");
        Process gcc;
        try {
            gcc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException noGcc) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no gcc: " + noGcc.getMessage());
            throw noGcc;
        }
        String said = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as("gcc %s: %s", source, said).isZero();
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        return out;
    }

    /** Writes an executable file. */
    static Path executable(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    record Result(ExitStatus status, String out, String err) {}

    /** Runs to completion with stdin closed at once, collecting both streams. */
    static Result run(ProcessLauncher launcher, LaunchSpec spec) throws Exception {
        ChildProcess child = launcher.launch(spec);
        child.stdin().close();
        CompletableFuture<byte[]> out = drain(child.stdout());
        CompletableFuture<byte[]> err = drain(child.stderr());
        ExitStatus status = child.onExit().get(10, TimeUnit.SECONDS);
        Result r = new Result(status, new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        child.closePipes();
        return r;
    }

    static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(in.readAllBytes());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Reads one line (up to '\n') without buffering past it. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) sb.append((char) c);
        return sb.toString();
    }

    /** The kernel's state letter and pgrp from /proc/PID/stat, or null when the process is gone. */
    record Stat(char state, long pgrp) {}

    static Stat stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new Stat(f[0].charAt(0), Long.parseLong(f[2])); // fields 3 (state) and 5 (pgrp)
        } catch (IOException e) {
            // NoSuchFileException, or ESRCH ("No such process") when it vanishes while we read
            if (Files.exists(Path.of("/proc/" + pid))) throw new UncheckedIOException(e);
            return null;
        }
    }

    /** Dead: gone, or a zombie waiting for a parent that is not us (re-parented grandchildren). */
    static boolean dead(long pid) {
        Stat st = stat(pid);
        return st == null || st.state() == 'Z' || st.state() == 'X';
    }

    static void awaitDead(long pid, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!dead(pid) && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(dead(pid)).as("process %d dead within %s", pid, within).isTrue();
    }

    static int openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // the listing's own descriptor
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Our children that are zombies, allowing the reaper one sweep for adopted orphans (a killed grandchild is
     * re-parented to us, the subreaper, and reaped within Reaper.ADOPTED_TICK_MILLIS).
     */
    static List<Long> zombieChildren() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4L * Reaper.ADOPTED_TICK_MILLIS);
        List<Long> zombies;
        do {
            zombies = ProcessHandle.current().children().map(ProcessHandle::pid)
                    .filter(pid -> { Stat s = stat(pid); return s != null && s.state() == 'Z'; }).toList();
            if (zombies.isEmpty()) return zombies;
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return zombies;
    }

    static boolean isNative(ProcessLauncher l) {
        return l instanceof NativeLauncher || l instanceof HelperLauncher;
    }
}
