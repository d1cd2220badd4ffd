package org.tracegate.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command (git, curl, ...) with a hard timeout. Output goes to temp files (no pipe
 * can fill up and stall the child); on timeout the command and all its descendants are killed.
 */
public final class Exec {
    private Exec() {}

    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() { return exitCode == 0; }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /**
     * @param dir     working directory
     * @param env     replaces the environment except for PATH (kept when not given)
     * @param timeout the command is killed (with its descendants) after this and an AssertionError thrown
     */
    public static Result run(Path dir, Map<String, String> env, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("exec-out", ".txt");
        Path err = Files.createTempFile("exec-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> e = pb.environment();
            String path = e.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            e.clear();
            e.put("PATH", path);
            e.put("LANG", "C");
            e.putAll(env);
            Process p = pb.start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(p);
                    throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command)
                            + "\n--- stderr\n" + Files.readString(err, StandardCharsets.ISO_8859_1));
                }
            } finally {
                if (p.isAlive()) kill(p);
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Kills a process and everything under it, and waits (bounded) for it. */
    public static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }
}
