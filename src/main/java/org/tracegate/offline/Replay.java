package org.tracegate.offline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.tracegate.gateway.cgi.ResponseHeadParser;
import org.tracegate.process.ChildProcess;
import org.tracegate.process.EndedBy;
import org.tracegate.process.ExitStatus;
import org.tracegate.process.LaunchException;
import org.tracegate.process.LaunchSpec;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.process.ResourceLimits;

/**
 * {@code tracegate replay}: runs a recorded request's program again, as recorded, and says whether it did what it
 * did then. Never talks to a server. Exit status: 0 replayed (whatever the program did: it is a report), 1 when it
 * could not be (a tool missing, a file that cannot be written).
 */
public final class Replay {
    private final ProcessLauncher launcher;
    private final Duration timeout;

    public Replay(ProcessLauncher launcher, Duration timeout) {
        this.launcher = launcher;
        this.timeout = timeout;
    }

    /**
     * @param overrides   {@code --env} variables, put over the recorded ones
     * @param interactive gdb at its prompt on this terminal rather than in batch mode
     */
    public int run(RecordedRequest rec, String source, Tool tool, Map<String, String> overrides, boolean interactive,
                   PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(rec.environment());
        env.putAll(overrides);
        RunAs.Who who = RunAs.forReplay(rec.runAs());
        OfflineRequest req = new OfflineRequest(rec.gatewayRequest(env), rec.argv(), env, rec.cwd(), rec.body(),
                who.credentials(), who.text());
        out.println("Replay of request " + rec.contextId() + " from " + source);
        out.println("Recorded    " + rec.method() + " " + rec.url() + " -> " + rec.statusCode());
        out.println("  cause     " + (rec.cause() == null ? "(not in the trace)" : rec.cause()));
        out.println("  body      " + (rec.body() == null ? "none"
                : rec.bodyPartial() ? "PARTIAL: the first " + rec.body().length + " of " + rec.bodyTotal() + " bytes"
                : rec.body().length + " bytes, whole"));
        List<String> notes = new ArrayList<>(rec.notes());
        if (who.note() != null) notes.add(who.note());
        if (!overrides.isEmpty()) notes.add("--env changed " + String.join(", ", overrides.keySet()));
        for (String n : notes) out.println("Note        " + n);
        if (tool != Tool.NONE && tool.find() == null) {
            err.println("tracegate replay: " + tool.name().toLowerCase() + " is not installed (not on PATH)");
            return 1;
        }
        out.println();
        return tool == Tool.GDB ? gdb(req, interactive, out) : wrapped(rec, req, tool, out);
    }

    /** Plain, or under strace or valgrind: the gateway's own flow, so the verdict and cause are a server's. */
    private int wrapped(RecordedRequest rec, OfflineRequest req, Tool tool, PrintWriter out) throws IOException {
        Path log = null;
        if (tool != Tool.NONE) {
            Path dir = Workspace.create(req.runAs());
            log = dir.resolve(tool.name().toLowerCase() + ".log");
            req = req.withArgv(tool.wrap(tool.find(), log, req.argv()));
        }
        OfflineResult result = new OfflineRunner(launcher, timeout).run(req);
        OfflineReport.print(req, result, out);
        if (log != null) out.println((tool == Tool.STRACE ? "Syscalls    " : "Valgrind    ") + "written to " + log);
        boolean same = withSubStatus(rec.statusCode()).equals(withSubStatus(result.statusCode()))
                && (rec.cause() == null || rec.cause().equals(result.cause()));
        out.println("Compared    " + (same ? "the same outcome as recorded: " + result.statusCode()
                + (rec.cause() == null ? "" : ", the same cause")
                : "a different outcome: recorded " + rec.statusCode() + ", now " + result.statusCode()
                + (rec.cause() != null && result.cause() != null && !rec.cause().equals(result.cause())
                        ? "\n  then      " + rec.cause() + "\n  now       " + result.cause() : "")));
        out.flush();
        return 0;
    }

    /**
     * Under gdb, not through the gateway: gdb's own output shares the program's stdout, so the program's stdout goes
     * to a file, whose header block is checked afterwards by the same parser.
     */
    private int gdb(OfflineRequest req, boolean interactive, PrintWriter out) throws IOException, InterruptedException {
        Path dir = Workspace.create(req.runAs());
        Path body = Workspace.file(dir, "body", req.body() == null ? new byte[0] : req.body(), req.runAs());
        Path stdout = interactive ? null : Workspace.file(dir, "stdout", new byte[0], req.runAs());
        List<String> argv = Tool.gdb(Tool.GDB.find(), body, stdout, req.argv(), !interactive);
        if (interactive) return interactiveGdb(req, argv, out);
        LaunchSpec spec = new LaunchSpec(argv, req.environment(), req.cwd()).withCredentials(req.runAs())
                .withLimits(ResourceLimits.DEFAULT);
        ChildProcess gdb;
        try {
            gdb = launcher.launch(spec);
        } catch (LaunchException e) {
            out.println("gdb could not be started: " + e.getMessage());
            return 1;
        }
        gdb.stdin().close();
        CompletableFuture<byte[]> said = drain(gdb.stdout());
        CompletableFuture<byte[]> complained = drain(gdb.stderr());
        ExitStatus exit;
        try {
            exit = gdb.onExit().get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            gdb.terminate(EndedBy.TOTAL_TIMEOUT, Duration.ofSeconds(1));
            exit = gdb.onExit().join();
        }
        out.println("gdb         " + String.join(" ", argv));
        out.println("  as        " + req.runAsText() + ", in " + req.cwd());
        for (String line : text(said).split("\n")) out.println("  | " + line);
        for (String line : text(complained).split("\n")) if (!line.isBlank()) out.println("  ! " + line);
        out.println("gdb ended   " + exit.describe());
        gdb.closePipes();
        byte[] programOut = Files.readAllBytes(stdout);
        out.println("Stdout      " + programOut.length + " bytes from the program, in " + stdout);
        List<HeaderLint.Problem> problems = HeaderLint.problems(programOut, ResponseHeadParser.Limits.defaults());
        for (HeaderLint.Problem p : problems) {
            out.println("  " + (p.line() > 0 ? "line " + p.line() + ": " : "block: ") + p.reason() + ": " + p.quoted());
        }
        out.flush();
        return 0;
    }

    /** gdb at its prompt on the caller's terminal; {@code setpriv} switches to the recorded user when root. */
    private int interactiveGdb(OfflineRequest req, List<String> gdbArgv, PrintWriter out)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        if (req.runAs() != null) {
            argv.addAll(List.of("setpriv", "--reuid=" + req.runAs().uid(), "--regid=" + req.runAs().gid(),
                    "--clear-groups", "--"));
        }
        argv.addAll(gdbArgv);
        out.println("gdb         " + String.join(" ", argv));
        out.flush();
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO().directory(req.cwd().toFile());
        pb.environment().clear();
        // The environment is octets; ProcessBuilder takes text: bytes that are not UTF-8 cannot pass this way.
        req.environment().forEach((k, v) -> pb.environment().put(utf8(k), utf8(v)));
        return pb.start().waitFor();
    }

    /** "200" and "200.0" are the same status. */
    private static String withSubStatus(String code) {
        return code.matches("\\d+") ? code + ".0" : code;
    }

    private static String utf8(String octets) {
        return new String(octets.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) if (b.size() < (1 << 20)) b.write(buf, 0, n);
            } catch (IOException ignored) {
                // closed: what was read is the output
            }
            return b.toByteArray();
        });
    }

    private static String text(CompletableFuture<byte[]> f) {
        return new String(f.join(), StandardCharsets.UTF_8).stripTrailing();
    }
}
