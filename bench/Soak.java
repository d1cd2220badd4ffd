import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The soak driver behind bench/soak.sh (issue 9): sends a weighted mix of well-behaved and hostile CGI programs (and,
 * when the mix names them, PHP scripts through php-fpm and a managed php-cgi pool) to a running Tracegate, checks
 * every answer, and measures the server from /proc before (after a warm-up), at peak (sampled every second) and
 * after (AFTER seconds past the load). Prints one markdown table; exit status 1 when an answer was wrong or anything
 * leaked.
 *
 * <p>Run by soak.sh, configured by its environment: SOAK_BASE (http://127.0.0.1:PORT), SOAK_PID (the server's
 * pid), SOAK_WORK (the scratch dir: logs/, tmp/ = the server's java.io.tmpdir), SOAK_RESULTS, N, C, WARM, SETTLE,
 * AFTER, WEIGHTS, SEED, STDERR_KIB, FLOOD_BYTES; its one argument is the mark, a string in every program's
 * environment, to find our programs and their daemons anywhere on the machine (an argument, so the driver's own
 * environment does not carry it).
 */
public class Soak {
    enum Kind {
        GOOD("good", "good", "static C hello", "200, body exactly `hello\\n`"),
        UPLOAD("upload", "good, chunked upload", "static C hello, POST with a chunked 4 KiB body (spooled to a file)",
                "200, body exactly `hello\\n`; the spool file deleted"),
        CRASH("crash", "crashing", "C, dereferences NULL", "502, the detailed page says SIGSEGV"),
        HANG("hang", "hanging", "`sleep 30` before any header", "502.1, not before the 1 s header timeout"),
        SLOW("slow", "slow body", "C, headers then 5 pieces 20 ms apart", "200, body exactly the 5 pieces"),
        DAEMON("daemon", "daemon-forking", "sh: headers + a line, `setsid sh -c 'exec sleep 300' &`, exit",
                "the line, then the connection closes (no last chunk)"),
        FLOOD("flood", "stderr-flooding", "C, 2 MiB of stderr in 1 KiB lines, a body line after each eighth",
                "200 exact; ≤ 64 KiB of its stderr in error.log + one \"not logged\" line"),
        DISCONNECT("disconnect", "disconnecting client", "chunked POST to the slow program, socket closed after the status line",
                "nothing on the client; no leak on the server"),
        FPM("fpm", "php-fpm: hello.php", "external php-fpm, 4 kept connections", "200, body exactly `hello\\n`"),
        FPM_UPLOAD("fpm-upload", "php-fpm: chunked upload", "upload.php (strlen of php://input), POST with a chunked 64 KiB body",
                "200, body exactly `65536\\n`; the spool file deleted"),
        FPM_KILL("fpm-kill", "php-fpm: worker killed", "kill.php: `posix_kill(posix_getpid(), 9)` before any output",
                "502.2 on the page (php-fpm's master starts a new worker)"),
        FPM_DISCONNECT("fpm-disconnect", "php-fpm: disconnecting client", "slow.php (5 pieces 20 ms apart), socket closed after the status line",
                "nothing on the client; ABORT_REQUEST, no leak on the server"),
        MANAGED("managed", "managed php-cgi: hello.php", "Tracegate's php-cgi pool, 4 instances, recycled every 200 requests",
                "200, body exactly `hello\\n`"),
        MANAGED_KILL("managed-kill", "managed php-cgi: worker killed", "kill.php in the managed pool",
                "502.2, the page says SIGKILL (the worker replaced)"),
        MANAGED_HANG("managed-hang", "managed php-cgi: hanging", "hang.php: `sleep(30)` before any output",
                "502.1, not before the pool's 1 s request timeout (the worker killed and replaced)");

        final String key, label, program, expected;

        Kind(String key, String label, String program, String expected) {
            this.key = key;
            this.label = label;
            this.program = program;
            this.expected = expected;
        }
    }

    static final String GOOD_BODY = "hello\n";
    static final String SLOW_BODY;
    static {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) b.append("slow piece ").append(i).append(" of the body\n");
        SLOW_BODY = b.toString();
    }
    static final String FLOOD_BODY;
    static {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 8; i++) b.append("flood: body line ").append(i).append(", after its share of the stderr\n");
        FLOOD_BODY = b.toString();
    }
    static final String DAEMON_LINE = "daemon-leader: headers sent, a daemon keeps stdout open\n";

    // ---- configuration -------------------------------------------------------------------------------------
    static final String BASE = env("SOAK_BASE", "http://127.0.0.1:8080");
    static final long PID = Long.parseLong(env("SOAK_PID", "0"));
    static final Path WORK = Path.of(env("SOAK_WORK", "/tmp"));
    static String MARK; // args[0]: a string in every program's environment (TRACEGATE_SOAK=<scratch dir name>)
    static final Path RESULTS = Path.of(env("SOAK_RESULTS", WORK.resolve("results").toString()));
    static final int N = Integer.parseInt(env("N", "100000"));
    static final int C = Integer.parseInt(env("C", "32"));
    static final int WARM = Integer.parseInt(env("WARM", "2000"));
    static final int SETTLE = Integer.parseInt(env("SETTLE", "5"));
    static final int AFTER = Integer.parseInt(env("AFTER", "15"));
    static final long SEED = Long.parseLong(env("SEED", "9"));
    static final long STDERR_LIMIT = Long.parseLong(env("STDERR_KIB", "64")) * 1024;
    static final long FLOOD_BYTES = Long.parseLong(env("FLOOD_BYTES", "2097152"));
    static final String WEIGHTS = env("WEIGHTS",
            "good=75,upload=5,crash=5,hang=1,slow=6,daemon=1,flood=2,disconnect=5");
    static final String HOST = URI.create(BASE).getHost();
    static final int PORT = URI.create(BASE).getPort();

    static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isBlank() ? d : v;
    }

    // ---- per-kind results ----------------------------------------------------------------------------------
    static final class Tally {
        final Kind kind;

        Tally(Kind kind) { this.kind = kind; }

        final AtomicLong sent = new AtomicLong(), wrong = new AtomicLong();
        final AtomicReference<String> firstWrong = new AtomicReference<>();
        final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong extra = new AtomicLong();     // kind-specific: status lines seen, escaped-daemon log lines
        final AtomicLong extraMax = new AtomicLong();  // kind-specific: longest line-to-close for the daemon

        void wrong(String n, String why) {
            wrong.incrementAndGet();
            wrongNumbers.add(n);
            firstWrong.compareAndSet(null, "request n=" + n + ": " + why);
            String cause = kind.label + ": " + why.replaceAll(" \\(X-Request-Id [^)]*\\)", "").replace(WORK + "/cgi-bin/", "…/");
            causes.computeIfAbsent(cause.length() > 400 ? cause.substring(0, 400) + "…" : cause, x -> new AtomicLong())
                    .incrementAndGet();
        }
    }

    static final Map<Kind, Tally> tallies = new EnumMap<>(Kind.class);
    /**
     * Every request carries its number in its query string (?n=123; n=w123 in the warm-up), so that a wrong answer
     * without a request id (an exception) is found in the access log, and through its activity id in error.log.
     */
    static final ThreadLocal<String> NUMBER = ThreadLocal.withInitial(() -> "?");
    static final Set<String> wrongNumbers = ConcurrentHashMap.newKeySet();

    /** Wrong answers (warm-up included) by what was wrong, request ids and the scratch dir left out. */
    static final Map<String, AtomicLong> causes = new ConcurrentHashMap<>();
    static final Set<String> floodIds = ConcurrentHashMap.newKeySet();
    static final Set<String> daemonIds = ConcurrentHashMap.newKeySet();
    static final Set<String> warmFloodIds = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: Soak MARK (run by bench/soak.sh)");
        MARK = args[0];
        Files.createDirectories(RESULTS);
        Map<Kind, Integer> weights = parseWeights(WEIGHTS);
        PrintStream log = System.err;
        Instant started = Instant.now();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();

        // Warm-up: the same mix, checked, not counted (the JIT, Jetty's pools and the reaper reach steady state).
        log.printf("soak: warm-up, %d requests at c=%d%n", WARM, C);
        Map<Kind, Tally> warm = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) warm.put(k, new Tally(k));
        runPhase("w", schedule(weights, WARM, SEED + 1), warm, warmFloodIds, ConcurrentHashMap.newKeySet());
        waitForNoPrograms(30);
        Thread.sleep(SETTLE * 1000L);
        List<String> fillProblems = new ArrayList<>(fillPools(weights));
        Sample before = Sample.take();
        log.println("soak: before " + before);

        for (Kind k : Kind.values()) tallies.put(k, new Tally(k));
        Kind[] plan = schedule(weights, N, SEED);
        Peak peak = new Peak();
        List<Sample> series = Collections.synchronizedList(new ArrayList<>());
        Thread sampler = Thread.ofPlatform().daemon().name("soak-sampler").start(() -> {
            long next = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Sample s = Sample.take();
                    series.add(s);
                    peak.add(s);
                    next += 1_000_000_000L;
                    long wait = next - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    log.println("soak: sampler: " + e);
                }
            }
        });
        log.printf("soak: %d requests at c=%d, mix %s%n", N, C, WEIGHTS);
        long t0 = System.nanoTime();
        runPhase("", plan, tallies, floodIds, daemonIds);
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        String loadDuring = Files.readString(Path.of("/proc/loadavg")).trim();
        log.printf("soak: %d requests in %.1f s (%.0f req/s); waiting %d s%n", N, seconds, N / seconds, AFTER);

        // After: the client's connections are closed (runPhase closes its HttpClient); sample each second.
        Sample after = null;
        for (int s = 1; s <= AFTER; s++) {
            Thread.sleep(1000);
            after = Sample.take();
            after.phase = "after+" + s + "s";
            series.add(after);
        }
        if (after == null) after = Sample.take();
        if (hasFastCgi(weights)) {
            // A pool ends the load short of its size when its last requests killed workers or broke connections (they
            // are replaced on demand), which would hide a leak of as many fds; filled again, it must match the baseline.
            fillProblems.addAll(fillPools(weights));
            Thread.sleep(1000);
            after = Sample.take();
            after.phase = "after, pools filled again";
            series.add(after);
        }
        log.println("soak: after " + after);

        copyWrongLines();
        FloodCheck flood = FloodCheck.read(floodIds, daemonIds);
        FloodCheck warmFlood = FloodCheck.read(warmFloodIds, Set.of());
        writeSeries(series, before);

        // ---- verdicts -----------------------------------------------------------------------------------------
        List<String> problems = new ArrayList<>(fillProblems);
        for (Kind k : Kind.values()) {
            Tally t = tallies.get(k);
            if (t.wrong.get() > 0) problems.add(k.label + ": " + t.wrong.get() + " wrong, first: " + t.firstWrong.get());
            Tally w = warm.get(k);
            if (w.wrong.get() > 0) problems.add("warm-up " + k.label + ": " + w.wrong.get() + " wrong, first: " + w.firstWrong.get());
        }
        if (!flood.problems.isEmpty()) problems.add("stderr-flooding: " + flood.problems.size()
                + " request(s) over the error.log bound, first: " + flood.problems.get(0));
        if (!warmFlood.problems.isEmpty()) problems.add("warm-up stderr-flooding: " + warmFlood.problems.get(0));
        if (flood.droppedByWriter > 0) problems.add("error.log: the writer dropped " + flood.droppedByWriter + " lines");

        Rows rows = new Rows();
        String dur = String.format(Locale.ROOT, "%.0f", seconds);
        // Answers
        for (Kind k : weights.keySet()) {
            Tally t = tallies.get(k);
            long[] ns = t.nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            String lat = ns.length == 0 ? "" : "p50 " + ms(pct(ns, 50)) + ", p99 " + ms(pct(ns, 99)) + ", max " + ms(ns[ns.length - 1]);
            String note = switch (k) {
                case DAEMON -> "; line → close max " + ms(t.extraMax.get()) + "; \"ended 1 escaped process\" logged for "
                        + flood.daemonEscapedLogged + "/" + t.sent.get();
                case FLOOD -> "; error.log per request: max " + fmt(flood.maxBytes) + " B (" + fmt(flood.maxPayload)
                        + " B of stderr + framing); the \"not logged\" line and logged + not logged = 2 MiB for "
                        + fmt(flood.withNotLogged) + " of the " + fmt(floodIds.size()) + " answered 200";
                case DISCONNECT, FPM_DISCONNECT -> "; status line seen before closing: " + fmt(t.extra.get());
                default -> "";
            };
            rows.add(k.label, k.expected, fmt(t.sent.get()) + " sent", lat + note,
                    t.wrong.get() == 0 ? "0 wrong" : "**" + t.wrong.get() + " wrong**, first: " + cell(t.firstWrong.get()));
        }
        long warmSent = warm.values().stream().mapToLong(t -> t.sent.get()).sum();
        long warmWrong = warm.values().stream().mapToLong(t -> t.wrong.get()).sum();
        String warmFirst = warm.values().stream().map(t -> t.firstWrong.get()).filter(x -> x != null).findFirst().orElse("");
        rows.add("warm-up (the same mix, before the baseline)", "as above", fmt(warmSent) + " sent", "",
                warmWrong == 0 ? "0 wrong" : "**" + warmWrong + " wrong**, first: " + cell(warmFirst));
        // Resources
        List<String> leaks = new ArrayList<>();
        resource(rows, leaks, "zombies under the server (state Z)", before, peak, after, s -> s.zServer, Gate.ZERO);
        resource(rows, leaks, "zombies, whole machine", before, peak, after, s -> s.zAll, Gate.INFO);
        resource(rows, leaks, "processes under the server (its guardian included)", before, peak, after, s -> s.under, Gate.BASELINE);
        resource(rows, leaks, "processes with the soak's mark in their environment (programs, daemons, sleeps), anywhere",
                before, peak, after, s -> s.ours, Gate.ZERO);
        resource(rows, leaks, "processes of nobody, whole machine (`pgrep -u nobody`; shared machine)", before, peak, after,
                s -> s.nobody, Gate.INFO);
        resource(rows, leaks, "server open fds (/proc/PID/fd)", before, peak, after, s -> s.fds, Gate.BASELINE);
        resource(rows, leaks, "… of them pipes", before, peak, after, s -> s.pipes, Gate.BASELINE);
        resource(rows, leaks, "… of them sockets", before, peak, after, s -> s.sockets, Gate.BASELINE);
        resource(rows, leaks, "… of them deleted files still open", before, peak, after, s -> s.deleted, Gate.BASELINE);
        resource(rows, leaks, "spool files in the server's temp dir", before, peak, after, s -> s.spool, Gate.ZERO);
        resource(rows, leaks, "server threads (/proc/PID/status Threads)", before, peak, after, s -> s.threads, Gate.INFO);
        resource(rows, leaks, "server RSS, MiB", before, peak, after, s -> s.rssKiB / 1024, Gate.INFO);
        resource(rows, leaks, "error.log, bytes (all rolled files)", before, peak, after, s -> s.errLog, Gate.INFO);
        long serverErr;
        try (Stream<String> l = Files.lines(WORK.resolve("server.err"), StandardCharsets.UTF_8)) {
            serverErr = l.filter(x -> !x.isBlank()).count();
        } catch (IOException e) {
            serverErr = -1;
        }
        Files.write(RESULTS.resolve("server-lines.log"), flood.serverLines);
        rows.add("the server's own lines: error.log lines without a request id / lines on its stderr", "", "",
                "", fmt(flood.serverLineCount) + " / " + fmt(serverErr), flood.serverLineCount + serverErr == 0
                        ? "none" : "see server-lines.log, server.err; not checked");
        problems.addAll(leaks);

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Soak run %s, %d vCPU, N=%d C=%d WARM=%d AFTER=%ds, mix %s; "
                        + "%s s, **%.0f req/s**; load average before %s, at the end %s%n%n",
                started.truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(), N, C, WARM, AFTER,
                WEIGHTS, dur, N / seconds, first3(loadBefore), first3(loadDuring)));
        out.append(rows);
        if (!causes.isEmpty()) {
            out.append("\nWrong answers by cause (warm-up included):\n\n");
            causes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
                    .forEach(e -> out.append("- ").append(fmt(e.getValue().get())).append(" × ").append(e.getKey()).append('\n'));
        }
        out.append(String.format("%nVerdict: %s%n", problems.isEmpty() ? "**pass** — every answer right, nothing leaked"
                : "**FAIL** — " + String.join("; ", problems)));
        System.out.print(out);
        Files.writeString(RESULTS.resolve("table.md"), out.toString());
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    static String first3(String loadavg) {
        String[] f = loadavg.split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    // ---- the schedule: exact proportions, shuffled -------------------------------------------------------------
    static Map<Kind, Integer> parseWeights(String spec) {
        Map<String, Kind> names = new LinkedHashMap<>();
        for (Kind k : Kind.values()) names.put(k.key, k);
        Map<Kind, Integer> w = new EnumMap<>(Kind.class);
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=");
            Kind k = names.get(kv[0].trim());
            if (k == null || kv.length != 2) throw new IllegalArgumentException("WEIGHTS: bad entry " + part + " (kinds: " + names.keySet() + ")");
            w.put(k, Integer.parseInt(kv[1].trim()));
        }
        return w;
    }

    static Kind[] schedule(Map<Kind, Integer> weights, int n, long seed) {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        List<Kind> plan = new ArrayList<>(n);
        // Largest remainder, so the counts add up to n exactly.
        Map<Kind, Double> rest = new EnumMap<>(Kind.class);
        for (var e : weights.entrySet()) {
            double exact = (double) n * e.getValue() / total;
            for (int i = 0; i < (int) exact; i++) plan.add(e.getKey());
            rest.put(e.getKey(), exact - (int) exact);
        }
        List<Kind> byRest = new ArrayList<>(rest.keySet());
        byRest.sort((a, b) -> Double.compare(rest.get(b), rest.get(a)));
        for (int i = 0; plan.size() < n; i++) plan.add(byRest.get(i % byRest.size()));
        Collections.shuffle(plan, new Random(seed));
        return plan.toArray(Kind[]::new);
    }

    // ---- sending and checking ---------------------------------------------------------------------------------
    static void runPhase(String prefix, Kind[] plan, Map<Kind, Tally> t, Set<String> floodIds, Set<String> daemonIds)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
             ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < C; w++) {
                workers.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < plan.length) {
                        Kind k = plan[i];
                        Tally tally = t.get(k);
                        tally.sent.incrementAndGet();
                        long t0 = System.nanoTime();
                        NUMBER.set(prefix + i);
                        try {
                            String wrong = send(http, k, tally, floodIds, daemonIds, t0);
                            if (wrong != null) tally.wrong(prefix + i, wrong);
                        } catch (Throwable e) {
                            tally.wrong(prefix + i, "exception " + e);
                        }
                        tally.nanos.add(System.nanoTime() - t0);
                        int d = done.incrementAndGet();
                        if (d % 5000 == 0) {
                            double s = (System.nanoTime() - start) / 1e9;
                            System.err.printf("soak: %,d/%,d in %.0f s (%.0f req/s)%n", d, plan.length, s, d / s);
                        }
                    }
                    return null;
                });
            }
        }
    }

    static final byte[] UPLOAD_BODY = "x".repeat(4096).getBytes(StandardCharsets.US_ASCII);

    /** Sends one request of kind k; returns null when the answer is right, else what was wrong. */
    static String send(HttpClient http, Kind k, Tally tally, Set<String> floodIds, Set<String> daemonIds, long t0)
            throws Exception {
        switch (k) {
            case GOOD -> {
                HttpResponse<String> r = get(http, "/cgi-bin/hello");
                return expect(r, 200, GOOD_BODY);
            }
            case UPLOAD -> {
                HttpRequest req = HttpRequest.newBuilder(URI.create(BASE + "/cgi-bin/hello?n=" + NUMBER.get())).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(UPLOAD_BODY))).build();
                return expect(http.send(req, HttpResponse.BodyHandlers.ofString()), 200, GOOD_BODY);
            }
            case CRASH -> {
                HttpResponse<String> r = get(http, "/cgi-bin/crash");
                if (r.statusCode() != 502 || !r.body().contains("SIGSEGV")) return describe(r, "502 with SIGSEGV on the page");
                return null;
            }
            case HANG -> {
                HttpResponse<String> r = get(http, "/cgi-bin/hang");
                long took = System.nanoTime() - t0;
                if (r.statusCode() != 502 || !r.body().contains("502.1")) return describe(r, "502.1");
                if (took < 1_000_000_000L) return "502.1 after only " + ms(took) + ", before the 1 s header timeout";
                return null;
            }
            case SLOW -> {
                return expect(get(http, "/cgi-bin/slow"), 200, SLOW_BODY);
            }
            case FLOOD -> {
                HttpResponse<String> r = get(http, "/cgi-bin/flood");
                // Only a program that ran is held to the error.log bound (a 502.3 never started it).
                if (r.statusCode() == 200) r.headers().firstValue("X-Request-Id").ifPresent(floodIds::add);
                return expect(r, 200, FLOOD_BODY);
            }
            case DAEMON -> {
                return daemon(tally, daemonIds);
            }
            case FPM -> {
                return expect(get(http, "/fpm/hello.php"), 200, GOOD_BODY);
            }
            case FPM_UPLOAD -> {
                HttpRequest req = HttpRequest.newBuilder(URI.create(BASE + "/fpm/upload.php?n=" + NUMBER.get())).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(FPM_UPLOAD_BODY))).build();
                return expect(http.send(req, HttpResponse.BodyHandlers.ofString()), 200, FPM_UPLOAD_BODY.length + "\n");
            }
            case FPM_KILL -> {
                HttpResponse<String> r = get(http, "/fpm/kill.php");
                if (r.statusCode() != 502 || !r.body().contains("502.2")) return describe(r, "502.2");
                return null;
            }
            case FPM_DISCONNECT -> {
                statusLineThenClose("GET /fpm/slow.php?n=" + NUMBER.get() + " HTTP/1.1\r\nHost: soak\r\n\r\n", tally);
                return null;
            }
            case MANAGED -> {
                return expect(get(http, "/mphp/hello.php"), 200, GOOD_BODY);
            }
            case MANAGED_KILL -> {
                HttpResponse<String> r = get(http, "/mphp/kill.php");
                if (r.statusCode() != 502 || !r.body().contains("502.2") || !r.body().contains("SIGKILL")) {
                    return describe(r, "502.2 with SIGKILL on the page");
                }
                return null;
            }
            case MANAGED_HANG -> {
                HttpResponse<String> r = get(http, "/mphp/hang.php");
                long took = System.nanoTime() - t0;
                if (r.statusCode() != 502 || !r.body().contains("502.1")) return describe(r, "502.1");
                if (took < 1_000_000_000L) return "502.1 after only " + ms(took) + ", before the 1 s request timeout";
                return null;
            }
            case DISCONNECT -> {
                statusLineThenClose("POST /cgi-bin/slow?n=" + NUMBER.get() + " HTTP/1.1\r\nHost: soak\r\nTransfer-Encoding: chunked\r\n"
                        + "\r\n5\r\nhello\r\n0\r\n\r\n", tally); // closed there, the program still sending its body
                return null;
            }
        }
        throw new AssertionError(k);
    }

    static final byte[] FPM_UPLOAD_BODY = "y".repeat(65536).getBytes(StandardCharsets.US_ASCII);

    /** Sends a raw request, reads up to the end of the status line and closes: the client leaves mid-response. */
    static void statusLineThenClose(String request, Tally tally) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            int c, prev = -1;
            while ((c = in.read()) >= 0) {
                if (prev == '\r' && c == '\n') {
                    tally.extra.incrementAndGet();
                    break;
                }
                prev = c;
            }
        }
    }

    /**
     * Before the baseline, every FastCGI pool in the mix at its full size: 16 slow.php at once to each, so all 4 kept
     * connections (external) and all 4 processes (managed) exist when it is sampled. Pools grow on demand and a killed
     * worker is replaced by the next request, so a baseline taken without this could be below what the load leaves.
     * Returns what went wrong (nothing, normally).
     */
    static List<String> fillPools(Map<Kind, Integer> weights) throws Exception {
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        boolean fpm = weighted(weights, "fpm"), managed = weighted(weights, "managed");
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String path : List.of(fpm ? "/fpm/slow.php" : "", managed ? "/mphp/slow.php" : "")) {
                if (path.isEmpty()) continue;
                for (int i = 0; i < 16; i++) {
                    ex.submit(() -> {
                        NUMBER.set("fill");
                        String w = expect(get(http, path), 200, SLOW_BODY);
                        if (w != null) wrong.add("filling the pools: " + path + ": " + w);
                        return null;
                    });
                }
            }
        }
        return wrong;
    }

    static boolean weighted(Map<Kind, Integer> weights, String keyPrefix) {
        return weights.entrySet().stream().anyMatch(e -> e.getKey().key.startsWith(keyPrefix) && e.getValue() > 0);
    }

    static boolean hasFastCgi(Map<Kind, Integer> weights) { return weighted(weights, "fpm") || weighted(weights, "managed"); }

    static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(HOST, PORT), 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    static HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(BASE + path + "?n=" + NUMBER.get())).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String expect(HttpResponse<String> r, int status, String body) {
        return r.statusCode() == status && r.body().equals(body) ? null : describe(r, status + " " + quote(body));
    }

    /** Request ids of wrong answers: their error.log lines are copied to RESULTS/wrong.log at the end. */
    static final Set<String> wrongIds = ConcurrentHashMap.newKeySet();

    static String describe(HttpResponse<String> r, String wanted) {
        String id = r.headers().firstValue("X-Request-Id").orElse("-");
        wrongIds.add(id);
        return "wanted " + wanted + ", got " + describePage(Integer.toString(r.statusCode()), r.body())
                + " (X-Request-Id " + id + ")";
    }

    /** An error page by its title and cause sentence, which say more than its first bytes; else the body. */
    static String describePage(String status, String body) {
        java.util.regex.Matcher title = java.util.regex.Pattern.compile("<title>([^<]*)</title>").matcher(body);
        java.util.regex.Matcher cause = java.util.regex.Pattern.compile("<p class=\"cause\">([^<]*)</p>").matcher(body);
        String shown = title.find() ? title.group(1) + (cause.find() ? ": " + unescape(cause.group(1)) : "")
                : body.length() > 300 ? body.substring(0, 300) + "…" : body;
        return status + " " + quote(shown);
    }

    /** A table cell: at most 350 characters (the whole text is in the verdict and the causes list). */
    static String cell(String s) {
        return s.length() > 350 ? s.substring(0, 350) + "…" : s;
    }

    static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    static String quote(String s) {
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n").replace("|", "\\|") + "\"";
    }

    /** Raw socket: the line must arrive, then the server must close (the response cut off: no last chunk). */
    static String daemon(Tally tally, Set<String> ids) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET /cgi-bin/daemon?n=" + NUMBER.get() + " HTTP/1.1\r\nHost: soak\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n, headEnd = -1;
            // The head first: another status (a 502.3, say) is framed by Content-Length on a kept-alive connection.
            while (headEnd < 0 && (n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
                headEnd = all.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
            }
            String raw = all.toString(StandardCharsets.ISO_8859_1);
            if (headEnd < 0) return "the connection closed before a complete head; got " + quote(raw);
            String head = raw.substring(0, headEnd);
            String id = "-";
            long contentLength = -1;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "X-Request-Id:", 0, 13)) id = line.substring(13).trim();
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) contentLength = Long.parseLong(line.substring(15).trim());
            }
            if (!head.startsWith("HTTP/1.1 200 ")) {
                while (all.size() - headEnd - 4 < contentLength && (n = in.read(buf)) >= 0) all.write(buf, 0, n);
                String status = head.substring(0, head.indexOf("\r\n") < 0 ? head.length() : head.indexOf("\r\n"));
                wrongIds.add(id);
                return "wanted 200, got " + describePage(status, all.toString(StandardCharsets.UTF_8).substring(headEnd + 4))
                        + " (X-Request-Id " + id + ")";
            }
            ids.add(id);
            if (!head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"))
                return "wanted a chunked response, got " + quote(raw) + " (X-Request-Id " + id + ")";
            long lineAt = 0;
            try {
                while (true) {
                    if (lineAt == 0 && all.toString(StandardCharsets.ISO_8859_1).contains(DAEMON_LINE)) lineAt = System.nanoTime();
                    if ((n = in.read(buf)) < 0) break;
                    all.write(buf, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                wrongIds.add(id);
                return "no close within 30 s; got " + quote(all.toString(StandardCharsets.ISO_8859_1)) + " (X-Request-Id " + id + ")";
            }
            long closedAt = System.nanoTime();
            raw = all.toString(StandardCharsets.ISO_8859_1);
            Chunked body = Chunked.decode(raw.substring(headEnd + 4));
            if (!body.data.equals(DAEMON_LINE)) {
                wrongIds.add(id);
                return "wanted the line " + quote(DAEMON_LINE) + ", got " + quote(raw) + " (X-Request-Id " + id + ")";
            }
            if (body.complete) return "the response ended normally (last chunk): the daemon's cut-off is invisible";
            long lineToClose = closedAt - lineAt;
            tally.extraMax.accumulateAndGet(lineToClose, Math::max);
            if (lineToClose > 10_000_000_000L) return "the connection closed " + ms(lineToClose) + " after the line";
            return null;
        }
    }

    record Chunked(String data, boolean complete) {
        static Chunked decode(String s) {
            StringBuilder out = new StringBuilder();
            int p = 0;
            while (true) {
                int eol = s.indexOf("\r\n", p);
                if (eol < 0) return new Chunked(out.toString(), false);
                int size;
                try {
                    size = Integer.parseInt(s.substring(p, eol).split(";")[0].trim(), 16);
                } catch (NumberFormatException e) {
                    return new Chunked(out.toString(), false);
                }
                if (size == 0) return new Chunked(out.toString(), s.startsWith("\r\n", eol + 2));
                if (eol + 2 + size > s.length()) {
                    out.append(s, eol + 2, s.length());
                    return new Chunked(out.toString(), false);
                }
                out.append(s, eol + 2, eol + 2 + size);
                p = eol + 2 + size + 2;
            }
        }
    }

    // ---- error.log: the flood bound, per request ----------------------------------------------------------------
    static final class FloodCheck {
        long maxBytes, maxPayload, withNotLogged /* all checks passed */, daemonEscapedLogged, droppedByWriter;
        /** error.log lines without a request id (the server's own messages), at most 1,000 kept. */
        final List<String> serverLines = new ArrayList<>();
        long serverLineCount;
        final List<String> problems = new ArrayList<>();

        static FloodCheck read(Set<String> floodIds, Set<String> daemonIds) throws IOException {
            FloodCheck f = new FloodCheck();
            Map<String, long[]> per = new HashMap<>(); // id -> {bytes, payload, notLogged count, notLogged bytes, lines}
            for (String id : floodIds) per.put(id, new long[5]);
            Set<String> escaped = new HashSet<>();
            List<Path> logs;
            try (Stream<Path> s = Files.list(WORK.resolve("logs"))) {
                logs = s.filter(p -> p.getFileName().toString().matches("error.*\\.log")).sorted().toList();
            }
            for (Path log : logs) {
                try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    lines.forEach(line -> {
                        int a = line.indexOf(" ["), b = line.indexOf("] ", a + 2);
                        if (a < 0 || b < 0) return;
                        String id = line.substring(a + 2, b), msg = line.substring(b + 2);
                        if (id.equals("-")) {
                            f.serverLineCount++;
                            if (f.serverLines.size() < 1000) f.serverLines.add(line);
                        }
                        if (id.equals("-") && msg.startsWith("error log: ") && msg.contains("lines dropped")) {
                            f.droppedByWriter += Long.parseLong(msg.replaceAll("\\D+", " ").trim().split(" ")[0]);
                        }
                        if (daemonIds.contains(id) && msg.contains("escaped process(es)")) escaped.add(id);
                        long[] c = per.get(id);
                        if (c == null) return;
                        c[0] += line.getBytes(StandardCharsets.UTF_8).length + 1;
                        c[4]++;
                        if (msg.startsWith("cgi: stderr: ") && msg.contains(" more bytes not logged ")) {
                            c[2]++;
                            c[3] = Long.parseLong(msg.substring(13, msg.indexOf(' ', 13)));
                        } else if (msg.startsWith("cgi: stderr: ")) {
                            int where = msg.lastIndexOf(" (pid ");
                            c[1] += (where < 0 ? msg.length() : where) - 13 + 1;
                        }
                    });
                }
            }
            f.daemonEscapedLogged = escaped.size();
            // The bound: the program's stderr in error.log is at most stderrKiB; each logged line also carries the
            // server's framing (timestamp, request id, "cgi: stderr: ", pid and script path), ~130-145 B, which for
            // 1 KiB lines is 13-14 %: allowed up to 15 % over stderrKiB, plus the one "not logged" line (≤ 512 B).
            // Shorter lines would exceed it: stderrKiB counts stderr bytes, not the framing (bench/README.md).
            long bound = STDERR_LIMIT + STDERR_LIMIT * 15 / 100 + 512;
            for (var e : per.entrySet()) {
                long[] c = e.getValue();
                f.maxBytes = Math.max(f.maxBytes, c[0]);
                f.maxPayload = Math.max(f.maxPayload, c[1]);
                String why = null;
                if (c[1] > STDERR_LIMIT) why = fmt(c[1]) + " B of stderr logged (limit " + fmt(STDERR_LIMIT) + ")";
                else if (c[0] > bound) why = fmt(c[0]) + " B of error.log in " + c[4] + " lines (bound " + fmt(bound) + ")";
                else if (c[2] != 1) why = c[2] + " \"not logged\" lines";
                else if (c[1] + c[3] != FLOOD_BYTES) why = "logged " + c[1] + " + not logged " + c[3] + " ≠ " + FLOOD_BYTES;
                if (why != null) f.problems.add("request " + e.getKey() + ": " + why);
                else f.withNotLogged++;
            }
            return f;
        }
    }

    static void copyWrongLines() throws IOException {
        if (wrongIds.isEmpty() && wrongNumbers.isEmpty()) return;
        StringBuilder b = new StringBuilder();
        // The access log (W3C: cs-uri-query is field 6, x-activity-id field 18, the request id) by request number.
        Set<String> queries = new HashSet<>();
        for (String n : wrongNumbers) queries.add("n=" + n);
        try (Stream<Path> s = Files.list(WORK.resolve("logs"))) {
            for (Path log : s.filter(p -> p.getFileName().toString().matches("u_ex.*\\.log")).sorted().toList()) {
                try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    lines.filter(l -> !l.startsWith("#")).forEach(l -> {
                        String[] f = l.split(" ");
                        if (f.length > 17 && queries.contains(f[5])) {
                            wrongIds.add(f[17]);
                            b.append(log.getFileName()).append(": ").append(l).append('\n');
                        }
                    });
                }
            }
        }
        try (Stream<Path> s = Files.list(WORK.resolve("logs"))) {
            for (Path log : s.filter(p -> p.getFileName().toString().matches("error.*\\.log")).sorted().toList()) {
                try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    lines.filter(l -> {
                        int a = l.indexOf(" ["), z = l.indexOf("] ", a + 2);
                        return a >= 0 && z >= 0 && wrongIds.contains(l.substring(a + 2, z));
                    }).forEach(l -> b.append(l).append('\n'));
                }
            }
        }
        Files.writeString(RESULTS.resolve("wrong.log"), b.toString());
        System.err.println("soak: error.log lines of the wrong answers: " + RESULTS.resolve("wrong.log"));
    }

    // ---- /proc sampling ---------------------------------------------------------------------------------------
    static final class Sample {
        String phase = "";
        long at = System.currentTimeMillis();
        long zServer, zAll, under, ours, nobody, fds, pipes, sockets, deleted, spool, threads, rssKiB, errLog;

        static Sample take() throws IOException {
            Sample s = new Sample();
            Map<Long, List<Long>> children = new HashMap<>();
            Map<Long, Character> state = new HashMap<>();
            byte[] mark = MARK.getBytes(StandardCharsets.US_ASCII);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"))) {
                for (Path dir : dirs) {
                    String name = dir.getFileName().toString();
                    if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                    long pid = Long.parseLong(name);
                    try {
                        String stat = Files.readString(dir.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        char st = f[0].charAt(0);
                        long ppid = Long.parseLong(f[1]);
                        state.put(pid, st);
                        children.computeIfAbsent(ppid, x -> new ArrayList<>()).add(pid);
                        if (st == 'Z') s.zAll++;
                        for (String line : Files.readAllLines(dir.resolve("status"))) {
                            if (line.startsWith("Uid:")) {
                                if (line.split("\\s+")[1].equals("65534")) s.nobody++;
                                break;
                            }
                        }
                        if (st != 'Z' && indexOf(Files.readAllBytes(dir.resolve("environ")), mark) >= 0) s.ours++;
                    } catch (NoSuchFileException | java.nio.file.AccessDeniedException e) {
                        // gone meanwhile
                    } catch (IOException e) {
                        // ESRCH and friends: gone meanwhile
                    }
                }
            }
            List<Long> stack = new ArrayList<>(children.getOrDefault(PID, List.of()));
            while (!stack.isEmpty()) {
                long p = stack.remove(stack.size() - 1);
                s.under++;
                if (state.getOrDefault(p, '?') == 'Z') s.zServer++;
                stack.addAll(children.getOrDefault(p, List.of()));
            }
            Path proc = Path.of("/proc/" + PID);
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                for (Path fd : fds) {
                    s.fds++;
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("pipe:")) s.pipes++;
                        else if (target.startsWith("socket:")) s.sockets++;
                        else if (target.endsWith(" (deleted)")) s.deleted++;
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            }
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("Threads:")) s.threads = Long.parseLong(line.substring(8).trim());
                if (line.startsWith("VmRSS:")) s.rssKiB = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
            // Files.list, not walk: the server deletes spool files while we look (the JVM's own files are elsewhere).
            try (DirectoryStream<Path> files = Files.newDirectoryStream(WORK.resolve("tmp"), "tracegate-body-*")) {
                for (Path ignored : files) s.spool++;
            }
            try (Stream<Path> logs = Files.list(WORK.resolve("logs"))) {
                s.errLog = logs.filter(p -> p.getFileName().toString().matches("error.*\\.log"))
                        .mapToLong(p -> { try { return Files.size(p); } catch (IOException e) { return 0; } }).sum();
            }
            return s;
        }

        static String header() {
            return "time\tphase\tzombies_server\tzombies_all\tunder_server\tours\tnobody\tfds\tpipes\tsockets\tdeleted\tspool\tthreads\trss_kib\terror_log";
        }

        String tsv() {
            return Instant.ofEpochMilli(at) + "\t" + phase + "\t" + zServer + "\t" + zAll + "\t" + under + "\t" + ours + "\t"
                    + nobody + "\t" + fds + "\t" + pipes + "\t" + sockets + "\t" + deleted + "\t" + spool + "\t" + threads
                    + "\t" + rssKiB + "\t" + errLog;
        }

        @Override
        public String toString() {
            return "zombies " + zServer + "/" + zAll + ", under " + under + ", ours " + ours + ", nobody " + nobody + ", fds "
                    + fds + " (pipes " + pipes + ", sockets " + sockets + ", deleted " + deleted + "), spool " + spool
                    + ", threads " + threads + ", RSS " + rssKiB / 1024 + " MiB, error.log " + errLog;
        }
    }

    /** The samples taken while the load runs; a measure's peak is its largest value among them. */
    static final class Peak {
        final List<Sample> all = Collections.synchronizedList(new ArrayList<>());

        void add(Sample s) { all.add(s); }

        long of(ToLongFunction<Sample> f) {
            synchronized (all) {
                return all.stream().mapToLong(f).max().orElse(0);
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    static void waitForNoPrograms(int seconds) throws Exception {
        for (int i = 0; i < seconds * 4; i++) {
            if (Sample.take().ours == 0) return;
            Thread.sleep(250);
        }
    }

    static void writeSeries(List<Sample> series, Sample before) throws IOException {
        StringBuilder b = new StringBuilder(Sample.header()).append('\n');
        before.phase = "before";
        b.append(before.tsv()).append('\n');
        synchronized (series) {
            for (Sample s : series) {
                if (s.phase.isEmpty()) s.phase = "run";
                b.append(s.tsv()).append('\n');
            }
        }
        Files.writeString(RESULTS.resolve("samples.tsv"), b.toString());
    }

    // ---- the table --------------------------------------------------------------------------------------------
    enum Gate { ZERO, BASELINE, INFO }

    static void resource(Rows rows, List<String> leaks, String what, Sample before, Peak peak, Sample after,
                         ToLongFunction<Sample> f, Gate gate) {
        long b = f.applyAsLong(before), p = peak.of(f), a = f.applyAsLong(after);
        String verdict = switch (gate) {
            case ZERO -> a == 0 ? "0 after ✓" : "**" + a + " left**";
            case BASELINE -> a <= b ? "back to baseline ✓" : "**+" + (a - b) + " over baseline**";
            case INFO -> a <= b ? "back to baseline" : "+" + fmt(a - b) + " (" + String.format(Locale.ROOT, "%+.0f %%", 100.0 * (a - b) / Math.max(1, b)) + "), not checked";
        };
        if (gate == Gate.ZERO && a != 0) leaks.add(what + ": " + a + " after");
        if (gate == Gate.BASELINE && a > b) leaks.add(what + ": " + b + " before, " + a + " after");
        rows.add(what, "", fmt(b), fmt(p), fmt(a), verdict);
    }

    static final class Rows {
        final List<String[]> answers = new ArrayList<>(), resources = new ArrayList<>();

        void add(String what, String expected, String n, String detail, String result) {
            answers.add(new String[] {what, expected, n, detail, result});
        }

        void add(String what, String unused, String before, String peak, String after, String verdict) {
            resources.add(new String[] {what, before, peak, after, verdict});
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append("| kind / measure | expected · before | requests · peak | latency · after | result |\n");
            b.append("|---|---|---|---|---|\n");
            for (String[] r : answers) {
                b.append("| ").append(r[0]).append(" | ").append(r[1]).append(" | ").append(r[2]).append(" | ")
                        .append(r[3]).append(" | ").append(r[4]).append(" |\n");
            }
            for (String[] r : resources) {
                b.append("| ").append(r[0]).append(" | ").append(r[1]).append(" | ").append(r[2]).append(" | ")
                        .append(r[3]).append(" | ").append(r[4]).append(" |\n");
            }
            return b.toString();
        }
    }

    static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static String ms(long nanos) {
        double m = nanos / 1e6;
        return m >= 1000 ? String.format(Locale.ROOT, "%.2f s", m / 1000) : String.format(Locale.ROOT, "%.0f ms", m);
    }

    static String fmt(long n) { return String.format(Locale.ROOT, "%,d", n); }
}
