package org.tracegate.crash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * gdb in batch mode on a core: the crashing thread's backtrace, the signal and the fault address. Bounded in
 * time (a huge core or a hung symbol server must not hold anything) and in output. Runs as the server (the
 * core is the server's file by then), with no init files and no debuginfod (no network).
 */
public record Gdb(Path executable, Duration timeout, int maxOutputBytes) {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    public static final int MAX_OUTPUT = 64 * 1024;

    /** gdb on the PATH (or in /usr/bin), if installed. */
    public static Optional<Gdb> find() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (path + ":/usr/bin").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "gdb");
            if (Files.isExecutable(p)) return Optional.of(new Gdb(p, TIMEOUT, MAX_OUTPUT));
        }
        return Optional.empty();
    }

    /** The result of one run: the backtrace, or why there is none. */
    public record Result(Backtrace backtrace, String problem) {}

    public Result backtrace(Path program, Path core) {
        List<String> argv = List.of(executable.toString(), "-batch", "-nx", "-q",
                "-iex", "set debuginfod enabled off", "-ex", "set pagination off", "-ex", "set print frame-arguments scalars",
                "-ex", "print $_siginfo._sifields._sigfault.si_addr", "-ex", "bt 64", program.toString(), core.toString());
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            return new Result(null, "gdb could not be started: " + e.getMessage());
        }
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = readBounded(in, p);
        } catch (IOException e) {
            p.destroyForcibly();
            return new Result(null, "gdb's output could not be read: " + e.getMessage());
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(null, "gdb did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(null, "interrupted");
        }
        Backtrace bt = Backtrace.parse(new String(out, StandardCharsets.UTF_8));
        if (bt.frames().isEmpty()) return new Result(null, "gdb printed no stack (exit status " + p.exitValue() + ")");
        return new Result(bt, null);
    }

    /** Reads until EOF or the bound, killing gdb when it overruns the bound or the time. */
    private byte[] readBounded(InputStream in, Process p) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        var killer = Thread.ofPlatform().daemon().start(() -> {
            try {
                if (!p.waitFor(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                // gdb finished: nothing to kill
            }
        });
        int n;
        while ((n = in.read(buf)) > 0) {
            int keep = Math.min(n, maxOutputBytes - out.size());
            if (keep > 0) out.write(buf, 0, keep);
            if (out.size() >= maxOutputBytes) {
                p.destroyForcibly();
                break;
            }
        }
        killer.interrupt();
        return out.toByteArray();
    }
}
