package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.FailedRequestTracing;
import org.tracegate.config.ServerConfig;
import org.tracegate.config.TraceRule;
import org.tracegate.failtrace.FailedRequestTracer;
import org.tracegate.http.TempDirectories;
import org.tracegate.http.TestServer;
import org.tracegate.offline.TestPrograms;

/**
 * {@code tracegate replay --gdb} on a terminal: gdb stops at its prompt after the crash and takes the operator's
 * commands. The terminal is a real pseudo-terminal ({@code script}, util-linux), the launcher the real one, the
 * trace one a server wrote for a real crashing C program. ({@link ReplayCommandTest} covers batch mode.)
 */
class ReplayGdbTerminalIT {

    @Test
    void gdbStopsAtItsPromptAndTakesCommands() throws Exception {
        for (String tool : List.of("gdb", "gcc", "script")) {
            Assumptions.assumeTrue(TestPrograms.installed(tool), "no " + tool);
        }
        Path programs = TestPrograms.directory();
        Path traces = Files.createTempDirectory("tracegate-replay-tty");
        try {
            replayOnATerminal(crashTraced(programs, traces));
        } finally {
            TempDirectories.delete(programs);
            TempDirectories.delete(traces);
        }
    }

    private static void replayOnATerminal(Path fr) throws Exception {
        String command = Launcher.ROOT.resolve("bin/tracegate") + " replay " + fr + " --gdb";
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", Launcher.JAVA_HOME);
        Process p = pb.start();
        CompletableFuture<String> said = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "(unreadable: " + e + ")";
            }
        });
        // Typed ahead: the terminal holds the lines until gdb reads them at its prompt, after the program crashed.
        try (OutputStream in = p.getOutputStream()) {
            in.write("bt\nprint 6*7\nquit\ny\n".getBytes(StandardCharsets.US_ASCII));
        }
        boolean ended = p.waitFor(90, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor();
        String out = said.get(10, TimeUnit.SECONDS).replace("\r", "");
        assertThat(ended).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Recorded    GET ").contains("-> 502.2")
                .contains("Program received signal SIGSEGV");
        // Each command answered at the prompt, in order: the backtrace names the function, then gdb's own arithmetic.
        int bt = out.indexOf("(gdb) bt");
        assertThat(bt).as(out).isPositive();
        String after = out.substring(bt);
        assertThat(after).contains("#0").contains("parse_config_line");
        assertThat(after.indexOf("$1 = 42")).as(out).isGreaterThan(after.indexOf("parse_config_line"));
    }

    /** A real server with failed-request tracing runs the crashing program once; returns its FREB file. */
    private static Path crashTraced(Path dir, Path traces) throws Exception {
        TestPrograms.c(dir, "crash", TestPrograms.CRASH_C);
        FailedRequestTracing frt = new FailedRequestTracing(true, traces, 50, 1024,
                List.of(TraceRule.forStatusCodes("500-599")), 1);
        ServerConfig base = TestServer.baseConfig().withCgi(List.of(new CgiMapping("/x/", dir, false)))
                .withFailedRequestTracing(frt);
        try (FailedRequestTracer freb = new FailedRequestTracer(frt, traces);
             TestServer server = TestServer.start(c -> base.withListen(c.listen()), freb)) {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/x/crash"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(freb.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        try (Stream<Path> files = Files.walk(traces)) {
            return files.filter(f -> f.getFileName().toString().matches("fr\\d+\\.xml")).findFirst().orElseThrow();
        }
    }
}
