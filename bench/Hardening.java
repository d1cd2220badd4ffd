import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tracegate.process.ChildProcess;
import org.tracegate.process.Credentials;
import org.tracegate.process.HelperLauncher;
import org.tracegate.process.LaunchSpec;
import org.tracegate.process.NativeLauncher;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.process.ResourceLimits;

/**
 * Process-hardening measurements through the server's own launchers (run by bench/hardening.sh, which builds
 * target/classes, the spawn helper and the C programs). Not a unit test: numbers from a shared machine, compared
 * within one run.
 *
 *   rate PROGRAM N REPS   spawns/s of PROGRAM with the default limits (coreBytes=0): through NativeLauncher as the
 *                         server (root, no switch: the baseline) and as nobody/nogroup (its per-thread switch), and
 *                         through the spawn helper as nobody and as the server; configurations alternate in blocks
 *                         of 20 spawns inside each rep so noise hits all alike; also the latency of launch() itself
 *   window PROGRAM N      runs bench/limits-window.c N times per launcher and user, with default limits, and reports
 *                         how long main() ran before its limits were in place
 */
public final class Hardening {
    private static final Map<String, String> ENV = cgiSizedEnvironment();
    private static final int BLOCK = 20;
    private static final String BASELINE = "posix_spawn, as the server (root)";

    public static void main(String[] args) throws Exception {
        NativeLauncher nativeLauncher = new NativeLauncher();
        HelperLauncher helper = new HelperLauncher();
        Path program = Path.of(args[1]).toAbsolutePath();
        int n = Integer.parseInt(args[2]);
        switch (args[0]) {
            case "rate" -> rate(nativeLauncher, helper, program, n, Integer.parseInt(args[3]));
            case "window" -> window(nativeLauncher, helper, program, n);
            default -> throw new IllegalArgumentException("mode: rate | window");
        }
        helper.close();
        System.exit(0);
    }

    private record Config(String name, ProcessLauncher launcher, Credentials credentials, ResourceLimits limits) {}

    private static void rate(NativeLauncher nativeLauncher, HelperLauncher helper, Path program, int n, int reps)
            throws Exception {
        Credentials nobody = Credentials.forPrograms(Credentials.lookup("nobody", "nogroup"));
        if (nobody == null) throw new IllegalStateException("run as root: the switch is what is measured");
        List<Config> configs = List.of(
                new Config(BASELINE, nativeLauncher, null, ResourceLimits.DEFAULT),
                new Config("posix_spawn, as nobody (per-thread switch)", nativeLauncher, nobody, ResourceLimits.DEFAULT),
                new Config("spawn helper, as nobody", helper, nobody, ResourceLimits.DEFAULT),
                new Config("spawn helper, as the server (root)", helper, null, ResourceLimits.DEFAULT));
        for (Config c : configs) for (int i = 0; i < 300; i++) once(c.launcher(), spec(program, c)); // JIT, reaper
        Map<String, List<Double>> rates = new HashMap<>();
        Map<String, List<Long>> launchNanos = new HashMap<>();
        for (int rep = 1; rep <= reps; rep++) {
            // Round-robin in blocks of BLOCK spawns: on a shared machine the load changes within seconds.
            long[] nanos = new long[configs.size()];
            for (int done = 0; done < n; done += BLOCK) {
                for (int k = 0; k < configs.size(); k++) {
                    Config c = configs.get(k);
                    LaunchSpec spec = spec(program, c);
                    List<Long> lat = launchNanos.computeIfAbsent(c.name(), x -> new ArrayList<>());
                    long t0 = System.nanoTime();
                    for (int i = 0; i < Math.min(BLOCK, n - done); i++) once(c.launcher(), spec, lat);
                    nanos[k] += System.nanoTime() - t0;
                }
            }
            for (int k = 0; k < configs.size(); k++) {
                double perSec = n / (nanos[k] / 1e9);
                rates.computeIfAbsent(configs.get(k).name(), x -> new ArrayList<>()).add(perSec);
                System.out.printf("rep=%d config=\"%s\" spawns_per_sec=%.0f%n", rep, configs.get(k).name(), perSec);
            }
        }
        System.out.println();
        System.out.println("| configuration (default limits) | spawns/s (median) | reps | ÷ posix_spawn as the server (median of per-rep ratios) | launch() p50 | launch() p99 |");
        System.out.println("|---|---|---|---|---|---|");
        for (Config c : configs) {
            String base = BASELINE;
            long[] lat = launchNanos.get(c.name()).stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("| %s | %.0f | %s | %.2f | %s | %s |%n", c.name(), median(rates.get(c.name())),
                    String.join(", ", rates.get(c.name()).stream().map(r -> String.format("%.0f", r)).toList()),
                    median(ratios(rates.get(c.name()), rates.get(base))), micros(lat[lat.length / 2]),
                    micros(lat[(int) (lat.length * 0.99)]));
        }
    }

    /** Per-rep ratios (same rep, so the same machine load), then their median. */
    private static List<Double> ratios(List<Double> a, List<Double> b) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) out.add(a.get(i) / b.get(i));
        return out;
    }

    private static void window(NativeLauncher nativeLauncher, HelperLauncher helper, Path program, int n)
            throws Exception {
        Credentials nobody = Credentials.forPrograms(Credentials.lookup("nobody", "nogroup"));
        for (Config c : List.of(new Config("posix_spawn, as the server", nativeLauncher, null, ResourceLimits.DEFAULT),
                new Config("posix_spawn, as nobody", nativeLauncher, nobody, ResourceLimits.DEFAULT),
                new Config("spawn helper, as the server", helper, null, ResourceLimits.DEFAULT),
                new Config("spawn helper, as nobody", helper, nobody, ResourceLimits.DEFAULT))) {
            if (c.credentials() == null && c.name().endsWith("nobody")) continue;
            LaunchSpec spec = spec(program, c);
            for (int i = 0; i < 100; i++) once(c.launcher(), spec);
            int ready = 0;
            List<Long> late = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String out = once(c.launcher(), spec).trim();
                if (out.equals("ready 0")) ready++;
                else if (out.startsWith("late ")) late.add(Long.parseLong(out.substring(5)));
                else throw new IllegalStateException("limits-window said: " + out);
            }
            long[] l = late.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("| %s | %d | %.1f %% | %s | %s | %s |%n", c.name(), n, 100.0 * ready / n,
                    l.length == 0 ? "-" : micros(l[l.length / 2]), l.length == 0 ? "-" : micros(l[(int) (l.length * 0.99)]),
                    l.length == 0 ? "-" : micros(l[l.length - 1]));
        }
    }

    private static String micros(long nanos) {
        return String.format("%.1f µs", nanos / 1000.0);
    }

    private static LaunchSpec spec(Path program, Config c) {
        return new LaunchSpec(List.of(program.toString()), ENV, program.getParent(), c.credentials(), c.limits());
    }

    private static String once(ProcessLauncher launcher, LaunchSpec spec) throws Exception {
        return once(launcher, spec, null);
    }

    /**
     * One launch as the gateway does it: stdin closed, stdout drained to EOF, exit awaited, pipes closed. Adds the
     * duration of launch() itself to {@code launchNanos}: a switched spawn holds the program's uid within it.
     */
    private static String once(ProcessLauncher launcher, LaunchSpec spec, List<Long> launchNanos) throws Exception {
        long t0 = System.nanoTime();
        ChildProcess c = launcher.launch(spec);
        if (launchNanos != null) launchNanos.add(System.nanoTime() - t0);
        c.stdin().close();
        byte[] out;
        try (InputStream in = c.stdout()) {
            out = in.readAllBytes();
        }
        var st = c.onExit().join();
        c.closePipes();
        if (st.exitCode() != 0) throw new IllegalStateException(spec.argv() + ": " + st.describe());
        return new String(out, StandardCharsets.US_ASCII);
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** ~20 variables, as a CGI request has, so the envp marshalling is realistic. */
    private static Map<String, String> cgiSizedEnvironment() {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < 20; i++) env.put("VAR_" + i, "value-of-variable-" + i);
        env.put("PATH", "/usr/bin:/bin");
        return env;
    }
}
