import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slowloris against a running server (run by bench/slowloris.sh), JDK only. In one run, ROUNDS times in turn:
 *
 *   quiet    SAMPLES sequential requests for each PATH, a new connection each (connect to last byte), no attack
 *   smooth   the same while N connections trickle request heads, a byte a second each, spread evenly over the
 *            second (as N independent clients would)
 *   burst    the same while the N connections get their byte all at once, every second (the worst case for the
 *            server's thread pool: N sockets readable at the same instant)
 *
 * The slow connections come from 127.0.0.2 … 127.0.0.(1+ADDRESSES) so the per-client cap (256) does not refuse
 * them, and one that the server closes while it is measured is opened again at once, as slowloris tools do. After
 * the measurement they stop sending and the server's request-head deadline (20 s by default) is left to close
 * them all; how many it closed, how long after the last byte and how many with a 408 is printed. The normal
 * requests come from 127.0.0.1. The server's thread count and RSS (/proc/PID/status) are sampled every 20 ms.
 *
 *   java bench/Slowloris.java PORT PID N SAMPLES ROUNDS PATH...     (-Dphases=quiet,smooth,burst)
 */
public final class Slowloris {
    static int port;
    static long pid;
    static final int ADDRESSES = 8;
    static final List<String> PHASES = List.of(System.getProperty("phases", "quiet,smooth,burst").split(","));
    static final byte[] HEAD = ("GET /never HTTP/1.1\r\nHost: slow\r\nX-Slow: " + "a".repeat(100_000))
            .getBytes(StandardCharsets.ISO_8859_1);

    record Result(String phase, String path, double[] millis, int peakThreads, long peakRssKiB, long reopened) {}

    public static void main(String[] args) throws Exception {
        port = Integer.parseInt(args[0]);
        pid = Long.parseLong(args[1]);
        int n = Integer.parseInt(args[2]);
        int samples = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        List<String> paths = Arrays.asList(args).subList(5, args.length);

        ServerStats atStart = ServerStats.start();
        atStart.stop();
        for (String p : paths) measure(p, 300); // warm-up: the server's JIT, the client's own classes
        List<Result> results = new ArrayList<>();
        List<String> deadlineCloses = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (String phase : PHASES) {
                Attack attack = phase.equals("quiet") ? null : Attack.start(n, phase.equals("burst"));
                ServerStats stats = ServerStats.start();
                for (String p : paths) {
                    double[] ms = measure(p, samples);
                    results.add(new Result(phase, p, ms, stats.peakThreads.get(), stats.peakRssKiB.get(),
                            attack == null ? 0 : attack.reopened.get()));
                }
                stats.stop();
                if (attack != null) {
                    attack.finish();
                    deadlineCloses.add(attack.closedByServer + " of " + n + " closed by the server "
                            + String.format(Locale.ROOT, "%.1f", attack.finishSeconds) + " s after the last byte ("
                            + attack.answered408 + " with a 408)");
                }
            }
        }
        System.out.printf("server at start: %d threads, RSS %d MiB%n", atStart.peakThreads.get(), atStart.peakRssKiB.get() / 1024);
        print(results, n, samples, rounds);
        System.out.println();
        for (String d : deadlineCloses) System.out.println("head deadline: " + d);
        System.exit(0);
    }

    /** SAMPLES requests for PATH, each on its own connection, milliseconds from connect to the last byte. */
    static double[] measure(String path, int samples) throws IOException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        double[] ms = new double[samples];
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.setSoTimeout(30_000);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30_000);
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = s.getInputStream();
                byte[] all = in.readAllBytes();
                if (all.length < 12 || !new String(all, 0, 12, StandardCharsets.ISO_8859_1).equals("HTTP/1.1 200"))
                    throw new IOException("not a 200: " + new String(all, 0, Math.min(all.length, 200), StandardCharsets.ISO_8859_1));
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    /** N trickling connections, kept at N. */
    static final class Attack {
        final SocketChannel[] channels;
        final int[] sent;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong reopened = new AtomicLong();
        Thread thread;

        Attack(int n) {
            channels = new SocketChannel[n];
            sent = new int[n];
        }

        static Attack start(int n, boolean burst) throws Exception {
            Attack a = new Attack(n);
            for (int i = 0; i < n; i++) {
                a.channels[i] = a.open(i);
                if (i % 200 == 199) Thread.sleep(20); // connect in steps, not one SYN burst
            }
            a.thread = Thread.ofPlatform().daemon().start(() -> a.run(burst));
            Thread.sleep(3_000); // every connection in its head: request line sent, header under way
            return a;
        }

        SocketChannel open(int i) throws IOException {
            SocketChannel c = SocketChannel.open();
            c.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % ADDRESSES)), 0));
            c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            c.configureBlocking(false);
            sent[i] = 0;
            return c;
        }

        void run(boolean burst) {
            int n = channels.length;
            long next = System.nanoTime();
            while (!stop.get()) {
                if (burst) {
                    for (int i = 0; i < n; i++) step(i);
                    next += 1_000_000_000L;
                    sleepUntil(next);
                } else {
                    // 100 slices a second, each for n/100 of the connections.
                    for (int slice = 0; slice < 100 && !stop.get(); slice++) {
                        for (int i = slice; i < n; i += 100) step(i);
                        next += 10_000_000L;
                        sleepUntil(next);
                    }
                }
            }
        }

        void step(int i) {
            try {
                if (channels[i].write(ByteBuffer.wrap(HEAD, sent[i], 1)) == 1) sent[i]++;
            } catch (IOException e) {
                try {
                    channels[i].close();
                    channels[i] = open(i); // closed by the server: a slowloris tool opens another
                    reopened.incrementAndGet();
                } catch (IOException again) {
                    // The next pass tries again.
                }
            }
        }

        int closedByServer;
        int answered408;
        double finishSeconds;

        /**
         * Stops sending and waits for the server's request-head deadline to close every connection (as it ends a
         * real slowloris), counting them; what is still open after 60 s is closed here. Closing 1,500 partial
         * heads from this side instead would make Jetty answer each a 400 (Early EOF) at once: a burst of 1,500
         * ordinary bad requests, which is a different test.
         */
        void finish() throws InterruptedException, IOException {
            stop.set(true);
            thread.join();
            long t0 = System.nanoTime();
            boolean[] done = new boolean[channels.length];
            ByteBuffer buf = ByteBuffer.allocate(4096);
            int left = channels.length;
            while (left > 0 && System.nanoTime() - t0 < 60_000_000_000L) {
                for (int i = 0; i < channels.length; i++) {
                    if (done[i]) continue;
                    buf.clear();
                    int r;
                    try {
                        r = channels[i].read(buf);
                    } catch (IOException e) {
                        r = -1;
                    }
                    if (r > 0 && new String(buf.array(), 0, Math.min(r, 12), StandardCharsets.ISO_8859_1).equals("HTTP/1.1 408")) answered408++;
                    if (r < 0) {
                        done[i] = true;
                        closedByServer++;
                        left--;
                    }
                }
                Thread.sleep(50);
            }
            finishSeconds = (System.nanoTime() - t0) / 1e9;
            for (SocketChannel c : channels) c.close();
        }

        static void sleepUntil(long nanos) {
            long left = nanos - System.nanoTime();
            if (left > 0) {
                try {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The server process's threads and RSS, sampled. */
    static final class ServerStats {
        final AtomicInteger peakThreads = new AtomicInteger();
        final AtomicLong peakRssKiB = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        Thread thread;

        static ServerStats start() {
            ServerStats s = new ServerStats();
            s.sample();
            s.thread = Thread.ofPlatform().daemon().start(() -> {
                while (!s.stop.get()) {
                    s.sample();
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            return s;
        }

        void sample() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("Threads:")) peakThreads.accumulateAndGet(Integer.parseInt(line.substring(8).trim()), Math::max);
                    if (line.startsWith("VmRSS:")) peakRssKiB.accumulateAndGet(Long.parseLong(line.replaceAll("\\D", "")), Math::max);
                }
            } catch (IOException e) {
                // The server is gone: the requests will say so.
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    static void print(List<Result> results, int n, int samples, int rounds) {
        System.out.printf(Locale.ROOT, "%d slow connections, %d requests per path and phase in each of %d round(s); "
                + "Δ = the phase's value minus quiet's%n%n", n, samples, rounds);
        System.out.println("| phase | path | p50 ms | p99 ms | max ms | Δp50 ms | Δp99 ms | server threads, peak per round "
                + "| server RSS MiB, peak per round | slow connections reopened |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String phase : PHASES) {
            for (String path : results.stream().map(Result::path).distinct().toList()) {
                double[] all = millis(results, phase, path);
                double[] quiet = millis(results, "quiet", path);
                List<Result> rs = results.stream().filter(r -> r.phase.equals(phase) && r.path.equals(path)).toList();
                // Per round: the pool's idle threads retire only after 60 s, so a phase inherits the one before's.
                String threads = String.join(" / ", rs.stream().map(r -> Integer.toString(r.peakThreads)).toList());
                String rss = String.join(" / ", rs.stream().map(r -> Long.toString(r.peakRssKiB / 1024)).toList());
                long reopened = rs.stream().mapToLong(Result::reopened).sum();
                String d50 = quiet.length == 0 || phase.equals("quiet") ? "" : String.format(Locale.ROOT, "%+.2f", pct(all, 50) - pct(quiet, 50));
                String d99 = quiet.length == 0 || phase.equals("quiet") ? "" : String.format(Locale.ROOT, "%+.2f", pct(all, 99) - pct(quiet, 99));
                System.out.printf(Locale.ROOT, "| %s | `%s` | %.2f | %.2f | %.2f | %s | %s | %s | %s | %d |%n", phase, path,
                        pct(all, 50), pct(all, 99), all[all.length - 1], d50, d99, threads, rss, reopened);
            }
        }
    }

    static double[] millis(List<Result> results, String phase, String path) {
        return results.stream().filter(r -> r.phase.equals(phase) && r.path.equals(path))
                .flatMapToDouble(r -> Arrays.stream(r.millis)).sorted().toArray();
    }

    static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
