package org.tracegate.bench;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.tracegate.process.ChildProcess;
import org.tracegate.process.LaunchSpec;
import org.tracegate.process.NativeLauncher;

/**
 * posix_spawn throughput through the server's own launcher (FFM, reaper, /proc/self/fd streams), the Java
 * twin of the C loop in shared/bench/spawn.c: each of THREADS platform threads launches PATH N times,
 * reads stdout to EOF, waits for the reaper's exit status and closes the pipes.
 *
 * <p>usage: java --enable-native-access=ALL-UNNAMED -cp target/benchmarks.jar org.tracegate.bench.SpawnConcurrency PATH N THREADS [WARMUP]
 * <p>prints: threads=T n=N total=... secs=... spawns_per_sec=... failures=...
 */
public final class SpawnConcurrency {
    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        NativeLauncher launcher = new NativeLauncher();
        // A CGI-sized environment (~20 variables) so the per-spawn envp marshalling is realistic.
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) env.put("VAR_" + i, "value-of-variable-" + i);
        env.put("PATH", "/usr/bin:/bin");
        LaunchSpec spec = new LaunchSpec(List.of(path.toString()), env, path.getParent());
        AtomicLong failures = new AtomicLong();
        // Warm-up on one thread: JIT the FFM stubs and start the reaper before timing.
        for (int i = 0; i < warmup; i++) once(launcher, spec, failures);
        failures.set(0);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < n; i++) once(launcher, spec, failures);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    e.printStackTrace();
                }
            });
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : ts) t.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        long total = (long) n * threads;
        System.out.printf("threads=%d n=%d total=%d secs=%.3f spawns_per_sec=%.0f failures=%d%n",
                threads, n, total, secs, total / secs, failures.get());
    }

    private static void once(NativeLauncher launcher, LaunchSpec spec, AtomicLong failures) throws Exception {
        ChildProcess c = launcher.launch(spec);
        c.stdin().close();
        byte[] buf = new byte[4096];
        try (InputStream out = c.stdout()) {
            while (out.read(buf) >= 0) { /* drain to EOF, like the server's relay */ }
        }
        var st = c.onExit().join();
        c.closePipes();
        if (st.exitCode() != 0) failures.incrementAndGet();
    }
}
