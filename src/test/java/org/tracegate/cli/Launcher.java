package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tracegate.e2e.Exec;

/**
 * Starts the real launcher, bin/tracegate, as external processes for the *IT tests (run after `package`, so
 * it finds a fresh jar and never builds during a test); {@link #close} kills whatever is still running.
 */
final class Launcher implements AutoCloseable {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path JAR = ROOT.resolve("target/tracegate.jar");
    /** The JDK running the tests is >= 25 (the build requires it), so the launcher may use it too. */
    static final String JAVA_HOME = System.getProperty("java.home");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

    private final List<Process> started = new ArrayList<>();

    /** A started launcher with its stdout lines in a queue and its stderr collected. */
    record Launched(Process process, LinkedBlockingQueue<String> stdout, List<String> allStdout, Path stderrFile,
                    Thread reader) {
        /** Every stdout line so far, those already taken from {@link #stdout} (by awaitListening) included. */
        String stdoutSoFar() { return String.join("\n", allStdout); }

        /** Waits (bounded) for the process and for its stdout to be fully read. */
        void finish() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher exited").isTrue();
            assertThat(reader.join(Duration.ofSeconds(5))).as("stdout drained").isTrue();
        }

        /** What the launcher wrote to stderr so far (a file: complete once the process has exited). */
        String stderr() {
            try {
                return Files.readString(stderrFile);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        /** Waits (bounded) for the "listening on" line; returns the port. */
        int awaitListening() throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end) {
                String line = stdout.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.matches()) return Integer.parseInt(m.group(1));
                }
                if (!process.isAlive() && stdout.isEmpty()) {
                    throw new AssertionError("launcher exited " + process.exitValue() + " before listening; stderr:\n" + stderr());
                }
            }
            throw new AssertionError("no 'listening on' line within 60 s; stderr:\n" + stderr());
        }
    }

    /** {@code bin/tracegate ARGS...}, left running. */
    Launched start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/tracegate").toString()));
        cmd.addAll(List.of(args));
        return launch(cmd);
    }

    Launched launch(List<String> cmd) throws IOException {
        Path err = Files.createTempFile("tracegate-launcher", ".stderr");
        err.toFile().deleteOnExit();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", JAVA_HOME);
        Process p = pb.start();
        started.add(p);
        p.getOutputStream().close();
        LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
        List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread o = Thread.ofPlatform().daemon().start(() -> lines(p.getInputStream(), line -> {
            all.add(line);
            out.add(line);
        }));
        return new Launched(p, out, all, err, o);
    }

    /** {@code bin/tracegate ARGS...} run to its end (bounded). */
    static Exec.Result tracegate(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/tracegate").toString()));
        cmd.addAll(List.of(args));
        return Exec.run(ROOT, Map.of("JAVA_HOME", JAVA_HOME), Duration.ofSeconds(60), cmd);
    }

    private static void lines(InputStream in, Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) sink.accept(l);
        } catch (IOException ignored) {
            // The process ended.
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) if (p.isAlive()) Exec.kill(p);
    }
}
