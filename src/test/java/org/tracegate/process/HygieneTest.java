package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tracegate.http.TestServer;

/**
 * Process and resource hygiene under a mixed load: good, crashing, hanging and client-disconnecting
 * requests. Afterwards no child of this JVM may remain (no zombies either), and descriptors and
 * platform threads must be back at their baseline.
 */
class HygieneTest {
    private static final Pattern PID = Pattern.compile("pid=(\\d+)");
    private static final int HANGS = 10;
    private static final int DISCONNECTS = 10;
    // Header timeout 2 s (the hangs), idle timeout 10 s: a loaded machine must not turn a slow good request into an abort.
    @RegisterExtension
    static final TestServer server = TestServer.fixture(c -> c.withLimits(c.limits().withIdleTimeout(Duration.ofSeconds(10))));

    @BeforeAll
    static void demoBuilt() {
        assertThat(TestServer.DEMO.resolve("hello-c")).as("run demo/build.sh first").isExecutable();
    }

    enum Kind {
        GOOD_SH("/demo/hello.sh", 200), GOOD_C("/demo/hello-c?x=1", 200), CRASH_C("/demo/crash-c", 502),
        DIES("/demo/dies-before-headers.sh", 502), HANG("/demo/hang.sh", 502), DISCONNECT("/t/report-pid-then-hang.sh", -1);

        final String path;
        final int status;

        Kind(String path, int status) {
            this.path = path;
            this.status = status;
        }
    }

    @Test
    void clientDisconnectKillsTheProgramWithinASecond() throws Exception {
        long pid = disconnectAfterFirstBytes();
        long start = System.nanoTime();
        assertThat(awaitGone(pid, Duration.ofSeconds(5))).as("pid %d still alive 5 s after the client left", pid).isTrue();
        long ms = (System.nanoTime() - start) / 1_000_000;
        // The idle timeout here is 2 s: a kill only after it means the disconnect itself went unnoticed.
        assertThat(ms).as("ms from client close to program gone").isLessThan(1_500);
    }

    @Test
    void thousandMixedRequestsLeaveNoProcessesDescriptorsOrThreadsBehind() throws Exception {
        for (int i = 0; i < 20; i++) {
            Kind k = i % 2 == 0 ? Kind.GOOD_SH : Kind.GOOD_C;
            assertThat(server.get(k.path).statusCode()).isEqualTo(200);
        }
        // Warm the server's thread pools (Jetty's and the pipe pumps') up to the load's concurrency, so the
        // baseline counts pooled threads: a pooled idle thread is reuse, not a leak.
        try (ExecutorService warm = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> ws = new ArrayList<>();
            for (int i = 0; i < 16; i++) ws.add(warm.submit(() -> server.get("/t/sleep-then-ok.sh?0.5").statusCode()));
            for (Future<Integer> w : ws) assertThat(w.get()).isEqualTo(200);
        }
        awaitNoChildren(Duration.ofSeconds(10));
        int fdBaseline = fdCount();
        List<String> fdsBefore = fdTargets();
        int threadBaseline = serverThreads().size();

        List<Kind> plan = new ArrayList<>();
        // Few hangs and disconnects: each holds its request for the 2 s header or idle timeout.
        for (int i = 0; i < HANGS; i++) plan.add(Kind.HANG);
        for (int i = 0; i < DISCONNECTS; i++) plan.add(Kind.DISCONNECT);
        Kind[] rest = {Kind.GOOD_SH, Kind.GOOD_C, Kind.CRASH_C, Kind.DIES};
        for (int i = 0; plan.size() < 1000; i++) plan.add(rest[i % rest.length]);
        Collections.shuffle(plan, new Random(1));

        Map<Kind, AtomicInteger> done = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> disconnectedPids = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(16);
        // Its own client, closed before measuring: a pooled keep-alive connection is not a leak.
        java.net.http.HttpClient load = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (load; ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (Kind k : plan) {
                slots.acquire();
                futures.add(exec.submit(() -> {
                    try {
                        if (k == Kind.DISCONNECT) {
                            disconnectedPids.add(disconnectAfterFirstBytes());
                        } else {
                            HttpResponse<String> r = load.send(java.net.http.HttpRequest.newBuilder(server.uri(k.path))
                                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != k.status) wrong.add(k + " -> " + r.statusCode());
                        }
                        done.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                    } catch (Exception e) {
                        wrong.add(k + " -> " + e);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) f.get(120, TimeUnit.SECONDS);
        }
        assertThat(wrong).as("requests with an unexpected outcome").isEmpty();
        assertThat(done.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(1000);
        assertThat(disconnectedPids).hasSize(DISCONNECTS);

        List<Long> left = awaitNoChildren(Duration.ofSeconds(10));
        assertThat(left).as("children of this JVM 10 s after the load").isEmpty();
        assertThat(zombiesOf(ProcessHandle.current().pid())).as("zombie children").isEmpty();
        for (long pid : disconnectedPids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("pid %d", pid).isNotEqualTo(Optional.of(true));
        }

        // Tolerances: +5 descriptors for Jetty's side of the closed client connections (closed when Jetty
        // reads their EOF, asynchronously) and the shared test client's pool. Server threads may exceed the
        // warmed-up baseline by what the load's concurrency (16) can grow: a request thread and two pump threads
        // (stdin, stderr) per running program, 48 in all. Pools shrink only after their idle timeouts (60 s),
        // whereas a per-request leak over these 1,000 requests would show up as hundreds.
        int fds = awaitAtMost(HygieneTest::fdCount, fdBaseline + 5, Duration.ofSeconds(5));
        List<String> extra = new ArrayList<>(fdTargets());
        fdsBefore.forEach(extra::remove);
        assertThat(fds).as("open descriptors (baseline %d), new: %s", fdBaseline, extra).isLessThanOrEqualTo(fdBaseline + 5);
        int threads = awaitAtMost(() -> serverThreads().size(), threadBaseline + 48,
                Duration.ofSeconds(5));
        assertThat(threads).as("live server threads (baseline %d): %s", threadBaseline, serverThreads())
                .isLessThanOrEqualTo(threadBaseline + 48);
    }

    /** GETs report-pid-then-hang.sh on a raw socket, reads up to its pid, closes. Returns the pid. */
    private static long disconnectAfterFirstBytes() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + Kind.DISCONNECT.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[1024];
            while (true) {
                int n = in.read(buf);
                if (n < 0) throw new IOException("closed before the pid arrived: " + got);
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                Matcher m = PID.matcher(got);
                if (m.find() && got.indexOf("\n", m.end()) >= 0) {
                    if (!got.toString().startsWith("HTTP/1.1 200")) throw new IOException("not a 200: " + got);
                    return Long.parseLong(m.group(1));
                }
            }
        }
    }

    private static boolean awaitGone(long pid, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (!Files.exists(Path.of("/proc/" + pid))) return true;
            Thread.sleep(10);
        }
        return false;
    }

    /** Polls until this JVM has no child process but the guardian and spawn helpers; returns the pids still there at the deadline. */
    private static List<Long> awaitNoChildren(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        List<Long> kids;
        do {
            kids = ProcessHandle.current().children().map(ProcessHandle::pid)
                    .filter(pid -> pid != Guardian.INSTANCE.pid() && !SpawnHelper.isHelper((int) (long) pid)).toList();
            if (kids.isEmpty()) return kids;
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        return kids;
    }

    /** Processes in state Z whose parent is {@code ppid}, from /proc/PID/stat. */
    static List<String> zombiesOf(long ppid) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                String stat;
                try {
                    stat = Files.readString(p.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                // pid (comm) state ppid ...: comm may hold spaces and parentheses, so parse from the last ')'.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (f[0].equals("Z") && Long.parseLong(f[1]) == ppid) out.add(stat.strip());
            }
        }
        return out;
    }

    static int fdCount() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "socket:[123]", "pipe:[456]", "/path": what each open descriptor points at. */
    static List<String> fdTargets() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    String t = Files.readSymbolicLink(p).toString();
                    out.add(t.startsWith("socket:") ? "socket" : t.startsWith("pipe:") ? "pipe" : t.startsWith("anon_inode:") ? t : "file:" + t);
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static int awaitAtMost(java.util.function.IntSupplier value, int limit, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        int v = value.getAsInt();
        while (v > limit && System.nanoTime() < end) {
            Thread.sleep(100);
            v = value.getAsInt();
        }
        return v;
    }

    /** The server's own platform threads (the test's HTTP clients keep pools of their own). */
    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("tracegate-") || n.startsWith("cgi-pump-")).sorted().toList();
    }
}
