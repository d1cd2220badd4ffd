package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.metrics.FastCgiPoolView;
import org.tracegate.http.TempDirectories;
import org.tracegate.http.TestServer;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceRecord;

/**
 * A real PHP application on Debian's php-cgi as a managed pool (IIS's FastCgiModule): Tracegate starts the
 * processes itself, each with its own socket as descriptor 0, runs them as nobody:nogroup, keeps one connection per
 * process, recycles them, and says for each failure what happened to which worker. Mirrors FastCgiExternalTest:
 * pages, a form POST, sessions, a file upload, a 100 MB upload, a streamed response; then the pool's own behaviour:
 * SIGKILL mid-request (502.2 naming the signal and pid), a hang (502.1, the worker replaced), recycling under load
 * with no failed request, rapid-fail protection (503.3) and its recovery, monitorChangesTo, a client that leaves,
 * and nothing left behind after close.
 */
class FastCgiManagedTest {
    /** Every php-cgi of this class carries it on its command line: pgrep finds them, and nothing else. */
    static final String MARKER = "tracegate.test=managed" + ProcessHandle.current().pid();
    static Path dir;
    static Path docroot;
    static Path pids;
    static Path monitored;
    static TestServer ts;
    static final Map<String, RequestTrace> traces = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tracegate-managed-");
        docroot = Files.createDirectories(dir.resolve("www"));
        Path sessions = Files.createDirectories(dir.resolve("sessions"));
        pids = Files.createDirectories(dir.resolve("pids"));
        // The programs run as nobody: they read the scripts, and write sessions and pid files.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(docroot, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(sessions, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(pids, PosixFilePermissions.fromString("rwxrwxrwx"));
        monitored = docroot.resolve("restart.txt");
        Files.writeString(monitored, "v1\n");
        script("hello.php", "<?php echo 'hello from php-cgi ', getmypid(), \"\\n\";");
        script("info.php", "<?php header('Content-Type: text/plain');"
                + " foreach (['SCRIPT_NAME','PATH_INFO','SCRIPT_FILENAME','REQUEST_METHOD','QUERY_STRING','SERVER_SOFTWARE','GATEWAY_INTERFACE'] as $k)"
                + " echo $k, '=', $_SERVER[$k] ?? '', \"\\n\"; echo 'uid=', posix_getuid(), \"\\n\";"
                + " echo 'PHP_FCGI_CHILDREN=', getenv('PHP_FCGI_CHILDREN'), \"\\n\";");
        PhpApp.writeScripts(FastCgiManagedTest::script);
        script("fatal.php", "<?php error_log(str_repeat('e', 3000) . ' end-of-long-line'); undefined_function_here();");
        // Writes its pid where the test finds it, then sleeps: the test kills it, or lets it hang.
        script("sleep.php", "<?php file_put_contents('php://stderr', 'sleep.php: sleeping for ' . $_GET['t'] . \"\\n\"); file_put_contents('" + pids + "/' . basename($_GET['t']), getmypid());"
                + " sleep((int) ($_GET['s'] ?? 30)); echo 'slept ', getmypid(), \"\\n\";");
        script("die.php", "<?php posix_kill(getmypid(), 9); sleep(5);");
        ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(
                mapping("/php/", pool(3, 200, 10, null)),
                mapping("/recycle/", pool(4, 5, 10, null)),
                mapping("/rapid/", pool(2, 200, 3, null)),
                mapping("/monitor/", pool(2, 200, 10, monitored)),
                mapping("/idle/", new FastCgiPool(2, 200, Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofSeconds(120),
                        10, Duration.ofSeconds(30), 10, null)),
                mapping("/busy/", new FastCgiPool(1, 200, Duration.ofSeconds(300), Duration.ofSeconds(8), Duration.ofSeconds(120),
                        0, Duration.ofSeconds(30), 10, null))))
                .build(), t -> traces.put(t.context().requestId(), t));
    }

    static List<String> command() {
        return List.of("/usr/bin/php-cgi", "-n", "-d", "cgi.force_redirect=0", "-d", "post_max_size=256M",
                "-d", "upload_max_filesize=256M", "-d", "session.save_path=" + dir.resolve("sessions"),
                "-d", "extension=posix", "-d", "log_errors=1", "-d", "display_errors=0", "-d", MARKER);
    }

    static FastCgiMapping mapping(String prefix, FastCgiPool pool) {
        return new FastCgiMapping(prefix, docroot, ".php", null, command(), pool, EnvironmentPolicy.defaults());
    }

    static FastCgiPool pool(int instances, int maxRequests, int rapidFails, Path monitor) {
        FastCgiPool d = FastCgiPool.defaults();
        return new FastCgiPool(instances, maxRequests, d.idleTimeout(), Duration.ofSeconds(8), Duration.ofSeconds(120),
                d.queueLength(), Duration.ofSeconds(30), rapidFails, monitor);
    }

    static void script(String name, String php) throws Exception {
        Path p = docroot.resolve(name);
        Files.writeString(p, php, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ts != null) ts.close();
        assertThat(pgrep(MARKER)).as("php-cgi processes left after close").isEmpty();
        TempDirectories.delete(dir);
    }

    @Test
    void aPageAndItsMetaVariablesFromAProcessRunningAsNobody() throws Exception {
        HttpResponse<String> r = ts.get("/php/hello.php");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("hello from php-cgi ");
        HttpResponse<String> info = ts.get("/php/info.php/extra/path?x=1");
        assertThat(info.body()).contains("SCRIPT_NAME=/php/info.php\n", "PATH_INFO=/extra/path\n",
                "SCRIPT_FILENAME=" + docroot.resolve("info.php") + "\n", "QUERY_STRING=x=1\n",
                "GATEWAY_INTERFACE=CGI/1.1\n", "SERVER_SOFTWARE=Tracegate/", "uid=65534\n", "PHP_FCGI_CHILDREN=0\n");
    }

    @Test
    void aFormPostSessionsAndAFileUpload() throws Exception {
        PhpApp.formPostSessionsAndAFileUpload(ts);
    }

    @Test
    void a100MegabyteUploadReachesPhpWhole() throws Exception {
        PhpApp.a100MegabyteUploadReachesPhpWhole(ts);
    }

    @Test
    void aStreamedResponseArrivesWhole() throws Exception {
        PhpApp.aStreamedResponseArrivesWhole(ts);
    }

    @Test
    void aPhpFatalErrorIsThePrograms500WithItsWholeStderr() throws Exception {
        HttpResponse<String> r = ts.get("/php/fatal.php");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(ts.errorLog()).contains("end-of-long-line").contains("undefined_function_here");
    }

    /** One process per instance, started on demand (FASTCGI_PROCESS_STARTED) and then reused on its kept connection. */
    @Test
    void processesAreStartedOnDemandAndReusedOnTheirKeptConnection() throws Exception {
        Map<Long, List<TraceEvent.FastCgiAssignProcess>> byPid = new TreeMap<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> r = ts.get("/php/hello.php");
            assertThat(r.statusCode()).isEqualTo(200);
            RequestTrace t = trace(r);
            TraceEvent.FastCgiAssignProcess a = t.first(TraceEvent.FastCgiAssignProcess.class);
            assertThat(r.body().strip()).isEqualTo("hello from php-cgi " + a.processId());
            if (a.isNewProcess()) {
                TraceEvent.FastCgiProcessStarted started = t.first(TraceEvent.FastCgiProcessStarted.class);
                assertThat(started.processId()).isEqualTo(a.processId());
                assertThat(started.socket()).endsWith(".sock");
                assertThat(a.requestNumber()).isEqualTo(1);
            }
            assertThat(t.first(TraceEvent.FastCgiEnd.class).connectionKept()).isTrue();
            byPid.computeIfAbsent(a.processId(), k -> new ArrayList<>()).add(a);
        }
        assertThat(byPid.size()).as("processes used: at most maxInstances").isBetween(1, 3);
        for (List<TraceEvent.FastCgiAssignProcess> served : byPid.values()) {
            for (int k = 1; k < served.size(); k++) {
                assertThat(served.get(k).isNewProcess()).isFalse();
                assertThat(served.get(k).requestNumber()).isGreaterThan(served.get(k - 1).requestNumber());
            }
        }
        // Its descriptor 0 is the socket (php-cgi runs as a FastCGI server only then), in a 0700 root directory.
        long pid = byPid.keySet().iterator().next();
        String fd0 = Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0")).toString();
        assertThat(fd0).startsWith("socket:[");
        Path socket = Path.of(socketPath(fd0));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void aWorkerKilledBySigkillMidRequestIs502_2NamingTheSignalAndThePid() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = ts.client.sendAsync(ts.request("/php/sleep.php?t=kill&s=30")
                .header("Accept", "application/json").timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        long pid = awaitPid("kill");
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start().waitFor();
        HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"statusCode\":\"502.2\"").contains("\"errorCode\":\"SIGKILL\"")
                .containsPattern("worker pid " + pid + " \\(request \\d+ for it\\) was killed by signal SIGKILL")
                .containsPattern("closed the connection \\((ECONNRESET|EOF)\\)"); // the kernel's word, never our own close's EBADF
        RequestTrace t = trace(r);
        assertThat(t.first(TraceEvent.FastCgiProcessDied.class)).isEqualTo(
                new TraceEvent.FastCgiProcessDied(pid, t.first(TraceEvent.FastCgiAssignProcess.class).requestNumber(), "",
                        "SIGKILL", true));
        // What the process writes to its own stderr (php://stderr) is not FCGI_STDERR: this request's evidence all the same.
        assertThat(t.records()).extracting(TraceRecord::event).contains(new TraceEvent.CgiStderr("sleep.php: sleeping for kill"));
        // On the page and in problem+json too (issue 10 §3: "and its stderr"), and in error.log under the request's id.
        assertThat(r.body()).contains("\"stderrTail\":\"sleep.php: sleeping for kill\\n\"");
        String id = t.context().requestId();
        assertThat(ts.errorLog().lines().filter(l -> l.contains("fastcgi: stderr: sleep.php: sleeping for kill")))
                .singleElement().asString().contains("[" + id + "]");
        assertThat(ts.errorLog()).contains("worker pid " + pid + " (").contains("was killed by signal SIGKILL, unexpectedly");
        // Replaced: the next requests are served, and never by the dead pid.
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> next = ts.get("/php/hello.php");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).doesNotContain(" " + pid + "\n");
        }
    }

    @Test
    void aHangIs502_1AfterTheActivityTimeoutAndTheWorkerIsReplaced() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = ts.client.sendAsync(ts.request("/php/sleep.php?t=hang&s=60")
                .header("Accept", "application/json").timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        long pid = awaitPid("hang");
        HttpResponse<String> r = pending.get(40, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"statusCode\":\"502.1\"").contains("activity timeout of 8 s");
        assertThat(awaitGone(pid)).as("the hung worker %d was killed", pid).isTrue();
        RequestTrace t = trace(r);
        TraceEvent.FastCgiProcessDied died = t.first(TraceEvent.FastCgiProcessDied.class);
        assertThat(died.processId()).isEqualTo(pid);
        assertThat(died.unexpected()).as("our own kill is not a failure").isFalse();
        HttpResponse<String> next = ts.get("/php/hello.php");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).doesNotContain(" " + pid + "\n");
    }

    /** instanceMaxRequests = 5, 200 requests at concurrency 8 over 4 instances: every one answered, the pids changing. */
    @Test
    void recyclingAfterInstanceMaxRequestsUnderConcurrentLoadFailsNoRequest() throws Exception {
        Map<Long, Integer> servedBy = new ConcurrentHashMap<>();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        int logBefore = ts.errorLog().length();
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                done.add(clients.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        try {
                            HttpResponse<String> r = ts.get("/recycle/hello.php");
                            Matcher m = Pattern.compile("hello from php-cgi (\\d+)\n").matcher(r.body());
                            if (r.statusCode() != 200 || !m.matches()) {
                                wrong.add(r.statusCode() + " " + r.body());
                            } else {
                                servedBy.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
                            }
                        } catch (Exception e) {
                            wrong.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(5, TimeUnit.MINUTES);
        } finally {
            clients.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("recycling: 200 requests at c=8 in %.1f s (%.0f req/s), %d processes%n", seconds, 200 / seconds,
                servedBy.size());
        assertThat(wrong).as("failed requests").isEmpty();
        assertThat(servedBy.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
        assertThat(servedBy.values()).as("requests per process").allMatch(n -> n <= 5);
        assertThat(servedBy.size()).as("processes").isGreaterThanOrEqualTo(40);
        assertThat(ts.errorLog().substring(logBefore)).as("deaths meanwhile").doesNotContain("unexpectedly");
    }

    /** rapidFailsPerMinute = 3: a script that kills its own process trips the pool to 503.3 until a minute has passed. */
    @Test
    void rapidFailProtectionStopsThePoolWith503_3AndItRecovers() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = ts.send(ts.request("/rapid/die.php").header("Accept", "application/json"));
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("\"statusCode\":\"502.2\"").contains("killed by signal SIGKILL");
        }
        Instant tripped = Instant.now();
        HttpResponse<String> stopped = ts.send(ts.request("/rapid/hello.php").header("Accept", "application/json"));
        assertThat(stopped.statusCode()).isEqualTo(503);
        assertThat(stopped.body()).contains("\"statusCode\":\"503.3\"").contains("failed 3 times within 60 s")
                .containsPattern("Its last failure: worker pid \\d+ \\(1 request\\(s\\) served\\) was killed by signal SIGKILL")
                .contains("The protection is configured in rapidFailsPerMinute in its [[fastcgi]] table");
        assertThat(stopped.headers().firstValue("Retry-After")).isPresent();
        assertThat(ts.errorLog()).contains("rapid-fail protection: 3 unexpected failures within 60 s (rapidFailsPerMinute = 3);"
                + " the pool is stopped until");
        // The operator's view says so, from the pool's own state (the API, the dashboard, tracegate status).
        FastCgiPoolView.Now view = rapidPool().now().get();
        assertThat(view.stoppedUntil()).isAfter(tripped.plusSeconds(50));
        assertThat(view.lastFailure()).matches("worker pid \\d+ \\(1 request\\(s\\) served\\) was killed by signal SIGKILL.*");
        // The other pools go on.
        assertThat(ts.get("/php/hello.php").statusCode()).isEqualTo(200);
        HttpResponse<String> again = null;
        while (Duration.between(tripped, Instant.now()).toSeconds() < 80) {
            again = ts.get("/rapid/hello.php");
            if (again.statusCode() == 200) break;
            assertThat(again.statusCode()).isEqualTo(503);
            Thread.sleep(1000);
        }
        assertThat(again.statusCode()).as("recovered after a minute").isEqualTo(200);
        assertThat(Duration.between(tripped, Instant.now()).toSeconds()).isGreaterThanOrEqualTo(55);
        assertThat(ts.errorLog()).contains("rapid-fail protection: the pool starts again after 60 s stopped");
        assertThat(rapidPool().now().get().stoppedUntil()).as("running again").isNull();
    }

    static FastCgiPoolView rapidPool() {
        return ts.server.fastCgiPools().stream().filter(p -> p.application().equals("/rapid/")).findFirst().orElseThrow();
    }

    /** A change of monitorChangesTo retires every process after its current request; no request fails meanwhile. */
    @Test
    void monitorChangesToRestartsThePoolWithoutAFailedRequest() throws Exception {
        Set<Long> before = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 6; i++) before.add(pidOf(ts.get("/monitor/hello.php")));
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean go = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().start(() -> {
            while (go.get()) {
                try {
                    HttpResponse<String> r = ts.get("/monitor/sleep.php?t=monitor&s=0");
                    if (r.statusCode() != 200) wrong.add(r.statusCode() + " " + r.body());
                    else seen.add(Long.parseLong(r.body().strip().replace("slept ", "")));
                } catch (Exception e) {
                    wrong.add(e.toString());
                }
            }
        });
        Thread.sleep(500);
        Files.writeString(monitored, "v2\n");
        Files.setLastModifiedTime(monitored, FileTime.from(Instant.now().plusSeconds(5)));
        String line = awaitLog(monitored + " changed; restarting the pool");
        assertThat(line).isNotNull();
        Thread.sleep(1500);
        go.set(false);
        load.join(30_000);
        Set<Long> after = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 6; i++) after.add(pidOf(ts.get("/monitor/hello.php")));
        assertThat(wrong).as("failed requests").isEmpty();
        assertThat(seen).isNotEmpty();
        assertThat(after).as("new processes").doesNotContainAnyElementsOf(before);
        for (long pid : before) assertThat(awaitGone(pid)).as("old process %d retired", pid).isTrue();
    }

    @Test
    void anIdleProcessIsStoppedAfterIdleTimeoutAndTheNextRequestStartsAnother() throws Exception {
        long pid = pidOf(ts.get("/idle/hello.php"));
        assertThat(pidOf(ts.get("/idle/hello.php"))).as("reused while busy enough").isEqualTo(pid);
        assertThat(awaitGone(pid)).as("idle for idleTimeout = 2 s").isTrue();
        HttpResponse<String> next = ts.get("/idle/hello.php");
        assertThat(pidOf(next)).isNotEqualTo(pid);
        assertThat(trace(next).first(TraceEvent.FastCgiAssignProcess.class).isNewProcess()).isTrue();
    }

    /** maxInstances = 1 and queueLength = 0: while the one process is busy, the next request is 503.2 at once. */
    @Test
    void aFullQueueIs503_2() throws Exception {
        CompletableFuture<HttpResponse<String>> holder = ts.client.sendAsync(ts.request("/busy/sleep.php?t=busy&s=3")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        awaitPid("busy");
        HttpResponse<String> r = ts.send(ts.request("/busy/hello.php").header("Accept", "application/json"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"statusCode\":\"503.2\"")
                .contains("All 1 processes of the FastCGI application (maxInstances) were busy and its queue of waiting requests was full (queueLength).")
                .contains("Raise maxInstances");
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(ts.get("/busy/hello.php").statusCode()).isEqualTo(200);
    }

    /** The client leaves while php-cgi sleeps: ABORT_REQUEST, then the connection closed; the worker is replaced. */
    @Test
    void aClientThatLeavesAbortsTheRequestAndTheWorkerIsReplaced() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.getOutputStream().write("GET /php/sleep.php?t=leave&s=20 HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            awaitPid("leave");
        }
        long pid = Long.parseLong(Files.readString(pids.resolve("leave")).strip());
        String line = awaitLog("fastcgi: response aborted: the client went away");
        assertThat(line).isNotNull();
        RequestTrace t = traceOf(line.replaceFirst("^\\S+ \\[([^]]+)\\].*", "$1"));
        // php-cgi 8.2 does not read ABORT_REQUEST while its script sleeps: no END_REQUEST within the abort grace.
        assertThat(t.first(TraceEvent.FastCgiEnd.class).end()).isEqualTo("ABANDONED");
        assertThat(t.first(TraceEvent.FastCgiEnd.class).connectionKept()).isFalse();
        assertThat(t.first(TraceEvent.FastCgiProcessRecycled.class).reason())
                .isEqualTo("its connection broke off (abandoned after our ABORT_REQUEST)");
        // php-cgi reads nothing while its script sleeps: after the abort grace the connection is closed, and a
        // process in the middle of an abandoned script is not given another request: it is stopped and replaced.
        assertThat(awaitGone(pid)).as("the abandoned worker %d", pid).isTrue();
        for (int i = 0; i < 3; i++) assertThat(ts.get("/php/hello.php").statusCode()).isEqualTo(200);
    }

    /**
     * close(): a request still running finishes (busy processes stop after their request), idle ones stop at once,
     * and no process and no socket file is left.
     */
    @Test
    void closeLetsTheRunningRequestFinishAndLeavesNoProcessAndNoSocket() throws Exception {
        String marker = "tracegate.test=close" + System.nanoTime();
        List<String> cmd = new ArrayList<>(command());
        cmd.set(cmd.size() - 1, marker);
        TestServer own = TestServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/php/", docroot, ".php",
                null, cmd, pool(3, 200, 10, null), EnvironmentPolicy.defaults()))).build());
        try {
            for (int i = 0; i < 4; i++) assertThat(own.get("/php/hello.php").statusCode()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> slow = own.client.sendAsync(own.request("/php/sleep.php?t=close&s=2")
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            long busy = Long.parseLong(Files.readString(awaitPidFile("close")).strip());
            List<Long> running = pgrep(marker);
            assertThat(running).contains(busy);
            List<Path> sockets = new ArrayList<>();
            for (long pid : running) sockets.add(Path.of(socketPath(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/0")).toString())));
            own.close();
            HttpResponse<String> r = slow.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as("the busy process finished its request").isEqualTo(200);
            assertThat(r.body()).isEqualTo("slept " + busy + "\n");
            assertThat(pgrep(marker)).as("processes left").isEmpty();
            for (Path s : sockets) {
                assertThat(s).doesNotExist();
                assertThat(s.getParent()).doesNotExist();
            }
        } finally {
            own.close();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static RequestTrace trace(HttpResponse<?> r) throws InterruptedException {
        return traceOf(r.headers().firstValue("X-Request-Id").orElseThrow());
    }

    private static RequestTrace traceOf(String id) throws InterruptedException {
        for (int i = 0; i < 100 && !traces.containsKey(id); i++) Thread.sleep(50);
        return traces.get(id);
    }

    private static long pidOf(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        return Long.parseLong(r.body().strip().replace("hello from php-cgi ", ""));
    }

    private static Path awaitPidFile(String token) throws InterruptedException {
        Path f = pids.resolve(token);
        for (int i = 0; i < 300; i++) {
            try {
                if (Files.exists(f) && !Files.readString(f).isBlank()) return f;
            } catch (java.io.IOException e) {
                // being written
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no pid file " + f);
    }

    private static long awaitPid(String token) throws Exception {
        return Long.parseLong(Files.readString(awaitPidFile(token)).strip());
    }

    private static boolean awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (!Files.exists(Path.of("/proc/" + pid))) return true;
            Thread.sleep(50);
        }
        return false;
    }

    private static String awaitLog(String text) throws Exception {
        for (int i = 0; i < 100; i++) {
            for (String line : ts.errorLog().split("\n")) if (line.contains(text)) return line;
            Thread.sleep(100);
        }
        return null;
    }

    /** The path a listening unix socket "socket:[INODE]" is bound to, from /proc/net/unix. */
    private static String socketPath(String link) throws Exception {
        String inode = link.substring("socket:[".length(), link.length() - 1);
        for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[6].equals(inode)) return f[7];
        }
        throw new AssertionError("no unix socket with inode " + inode);
    }

    static List<Long> pgrep(String pattern) throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", pattern).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        List<Long> found = new ArrayList<>();
        for (String s : out.split("\\s+")) if (!s.isEmpty()) found.add(Long.parseLong(s));
        found.remove(ProcessHandle.current().pid());
        return found;
    }
}
