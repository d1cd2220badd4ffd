package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tracegate.cli.Launcher.Launched;
import org.tracegate.e2e.Exec;
import org.tracegate.http.TempDirectories;

/** The real launcher, bin/tracegate, run as an external process. */
class ServeCommandIT {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Launcher launcher = new Launcher();
    /** Every server gets its own log dir: the default one under /tmp is shared by all servers of this user. */
    private Path logs;

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(Launcher.JAR).as("target/tracegate.jar (run through `mvn verify`)").isRegularFile();
    }

    @BeforeEach
    void logDir() throws IOException {
        logs = Files.createTempDirectory("tracegate-it");
    }

    @AfterEach
    void killServers() throws InterruptedException {
        launcher.close();
        TempDirectories.delete(logs);
    }

    private Launched launch(String... args) throws IOException {
        return launcher.start(args);
    }

    private static int awaitListening(Launched l) throws InterruptedException {
        return l.awaitListening();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Exec.Result tracegate(String... args) throws Exception {
        return Launcher.tracegate(args);
    }

    @Test
    void traceSessionFromTheCliSurvivesAServerCrash() throws Exception {
        Path session = logs.resolve("s.jsonl");
        Launched l = launch("serve", "--cgi", "/cgi-bin/=src/test/cgi-bin", "--listen", "127.0.0.1:0",
                "--log-dir", logs.toString());
        int port = awaitListening(l);
        Exec.Result started = tracegate("trace", "start", "--log-dir", logs.toString(), "--output", session.toString());
        assertThat(started.exitCode()).as("%s", started).isZero();
        assertThat(started.stdout()).contains("trace session started: " + session);
        for (int i = 0; i < 3; i++) assertThat(get(port, "/cgi-bin/env.sh?n=" + i).statusCode()).isEqualTo(200);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (countLines(session, "GENERAL_REQUEST_END") < 3) {
            assertThat(System.nanoTime()).as("3 requests flushed to the session").isLessThan(end);
            Thread.sleep(50);
        }

        l.process().destroyForcibly(); // SIGKILL: no clean stop, no end line
        assertThat(l.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        Exec.Result stop = tracegate("trace", "stop", "--log-dir", logs.toString());
        assertThat(stop.exitCode()).isNotZero();
        assertThat(stop.stderr()).contains("is not running");
        Exec.Result csv = tracegate("trace", "convert", session.toString(), "--format", "csv");
        assertThat(csv.exitCode()).as("%s", csv).isZero();
        assertThat(csv.stdout().lines().filter(x -> x.contains("GENERAL_REQUEST_END")).count()).isEqualTo(3);
    }

    private static long countLines(Path file, String needle) throws IOException {
        if (!Files.exists(file)) return 0;
        try (var lines = Files.lines(file)) { return lines.filter(x -> x.contains(needle)).count(); }
    }

    @Test
    void servesThenStopsOnSigtermWithExitZero() throws Exception {
        Launched l = launch("serve", "--cgi", "/cgi-bin/=src/test/cgi-bin", "--listen", "127.0.0.1:0", "--log-dir", logs.toString());
        int port = awaitListening(l);
        HttpResponse<String> r = get(port, "/cgi-bin/env.sh?x=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("env-QUERY_STRING=x=1").contains("env-SCRIPT_NAME=/cgi-bin/env.sh");

        l.process().destroy(); // SIGTERM
        assertThat(l.process().waitFor(15, TimeUnit.SECONDS)).as("exited within the grace").isTrue();
        assertThat(l.process().exitValue()).as("stderr:\n%s", l.stderr()).isZero();
    }

    /**
     * Started from the class path (which ignores the jar manifest's Add-Exports) without the launcher's
     * --add-exports: the JDK-internal shortcuts are off
     * (pipe descriptors re-opened through /proc instead of adopted; no client probing), and said so in error.log, but
     * programs still run and their output arrives whole.
     */
    @Test
    void withoutTheJdkExportsTheFallbacksServe() throws Exception {
        Launched l = launcher.launch(List.of(Path.of(Launcher.JAVA_HOME, "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", Launcher.JAR.toString(), "org.tracegate.cli.Main", "serve", "--cgi", "/cgi-bin/=src/test/cgi-bin",
                "--listen", "127.0.0.1:0", "--log-dir", logs.toString()));
        int port = awaitListening(l);
        assertThat(get(port, "/cgi-bin/env.sh?x=1").body()).contains("env-QUERY_STRING=x=1");
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 50_000; i++) expected.append(i).append('\n');
        assertThat(get(port, "/cgi-bin/seq-body.sh?50000").body()).isEqualTo(expected.toString());
        l.process().destroy();
        l.finish();
        assertThat(l.process().exitValue()).isZero();
        assertThat(java.nio.file.Files.readString(logs.resolve("error.log"))).contains("client-disconnect probing is off");
    }

    @Test
    void requestInFlightAtSigtermStillCompletes() throws Exception {
        Launched l = launch("serve", "--cgi", "/cgi-bin/=src/test/cgi-bin", "--listen", "127.0.0.1:0", "--log-dir", logs.toString());
        int port = awaitListening(l);
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cgi-bin/sleep-then-ok.sh?2"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        // Wait until the program really runs (its "sleep 2" is a descendant of the server).
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (l.process().descendants().noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 2"))) {
            assertThat(System.nanoTime()).as("sleep-then-ok.sh never started").isLessThan(end);
            Thread.sleep(20);
        }
        l.process().destroy(); // SIGTERM while the request is in flight
        HttpResponse<String> r = slow.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
        assertThat(l.process().waitFor(15, TimeUnit.SECONDS)).isTrue();
        l.finish();
        assertThat(l.process().exitValue()).as("stderr:\n%s", l.stderr()).isZero();
        assertThat(l.stderr()).contains("tracegate: stopping");
    }

    @Test
    void badListenAddressIsRefused() throws Exception {
        Launched l = launch("serve", "--cgi", "/cgi-bin/=src/test/cgi-bin", "--listen", "nonsense");
        l.finish();
        assertThat(l.process().exitValue()).isNotZero();
        assertThat(l.stderr()).contains("--listen").contains("nonsense");
        assertThat(l.stdout()).noneMatch(s -> s.contains("listening on"));
    }

    @Test
    void missingCgiDirectoryIsNamed() throws Exception {
        Launched l = launch("serve", "--cgi", "/x=/no/such/dir", "--listen", "127.0.0.1:0");
        l.finish();
        assertThat(l.process().exitValue()).isNotZero();
        assertThat(l.stderr()).contains("/no/such/dir");
        assertThat(l.stdout()).noneMatch(s -> s.contains("listening on"));
    }

    @Test
    void unknownOptionIsNamed() throws Exception {
        Launched l = launch("serve", "--frobnicate");
        l.finish();
        assertThat(l.process().exitValue()).isNotZero();
        assertThat(l.stderr()).contains("--frobnicate");
        assertThat(l.stdout()).noneMatch(s -> s.contains("listening on"));
    }
}
