package org.tracegate.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.tracegate.config.CrashDumpPolicy;
import org.tracegate.process.ExitStatus;
import org.tracegate.process.Signals;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * Keeps the core of a program that crashed and reads its backtrace, off the request path: the kernel writes the
 * core where core_pattern says, we move it into our crash directory as REQUEST-ID.core (0600, the server's),
 * keep at most {@code keep} of them, and run gdb on it when gdb is installed. The result becomes the request's
 * CGI_CRASH_DUMP event, which its failed-request trace and session wait for, and REQUEST-ID.txt beside the core.
 */
public final class CrashDumps implements AutoCloseable {
    /** Signals whose default action is a core dump and which mean a crash, not a limit (SIGXCPU) or a kill. */
    private static final Set<Integer> CRASHES = Set.of(Signals.SIGSEGV, Signals.SIGABRT, Signals.SIGBUS, Signals.SIGFPE,
            Signals.SIGILL, Signals.SIGTRAP, Signals.SIGSYS, Signals.SIGQUIT);
    private static final Duration SYSTEMD_WAIT = Duration.ofSeconds(10);

    private final Path directory;
    private final int keep;
    private final long maxBytes;
    private final CorePattern pattern;
    private final Optional<Gdb> gdb;
    private final ErrorLog log;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("crash-dumps").factory());

    CrashDumps(Path directory, int keep, long maxBytes, CorePattern pattern, Optional<Gdb> gdb, ErrorLog log) {
        this.directory = directory;
        this.keep = keep;
        this.maxBytes = maxBytes;
        this.pattern = pattern;
        this.gdb = gdb;
        this.log = log;
    }

    /** Null when the policy is off or has nowhere to keep cores (no directory and no logDir). */
    public static CrashDumps start(CrashDumpPolicy policy, Path logDir, ErrorLog log) {
        return start(policy, logDir, log, CorePattern.ofThisMachine(), Gdb.find());
    }

    static CrashDumps start(CrashDumpPolicy policy, Path logDir, ErrorLog log, CorePattern pattern, Optional<Gdb> gdb) {
        if (!policy.active(logDir)) return null;
        Path dir = policy.resolveDirectory(logDir);
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("crashDumps: cannot make " + dir, e);
        }
        return new CrashDumps(dir, policy.keep(), (long) policy.maxSizeMiB() << 20, pattern, gdb, log);
    }

    public Path directory() { return directory; }

    /** RLIMIT_CORE for programs: the kernel cuts a larger core there (gdb still reads the stacks of most). */
    public long coreLimitBytes() { return maxBytes; }

    /**
     * One line per fact an operator should see at start: where cores go, and anything that will keep them from
     * being captured on this machine.
     *
     * @param programDirs the CGI directories, checked against a relative core_pattern
     * @param uid         the program user
     */
    public List<String> notes(List<Path> programDirs, int uid, int gid) {
        List<String> notes = new ArrayList<>();
        String where = "crash dumps: cores of crashed programs are kept in " + directory + " (at most " + keep
                + ", each up to " + (maxBytes >> 20) + " MiB)";
        switch (pattern) {
            case CorePattern.Piped p -> notes.add("crash dumps: core_pattern pipes cores to " + p.collector() + " (\""
                    + p.text() + "\"); the kernel hands them to it, so Tracegate cannot keep them (it does not change"
                    + " this system setting). A crash's page says so. To have them kept, set kernel.core_pattern to a file"
                    + " pattern (e.g. /var/crash/core.%p) or to systemd-coredump.");
            case CorePattern.Systemd s -> notes.add(where + ", read back from systemd-coredump with coredumpctl");
            case CorePattern.FilePattern f -> {
                notes.add(where + "; core_pattern \"" + f.text() + "\"");
                if (!Path.of(f.text().isEmpty() ? "core" : f.text()).isAbsolute()) {
                    for (Path d : programDirs) {
                        if (!writableBy(d, uid, gid)) {
                            notes.add("crash dumps: core_pattern \"" + f.text() + "\" puts a core in the program's working"
                                    + " directory, and uid " + uid + " cannot write " + d + ": programs there leave no core."
                                    + " Set an absolute core_pattern in a directory it can write, or let it write there.");
                        }
                    }
                }
            }
        }
        if (gdb.isEmpty()) notes.add("crash dumps: gdb is not installed: cores are kept without a backtrace (apt-get install gdb)");
        return notes;
    }

    /**
     * Called once a program has been reaped. Null unless it died by a signal that means a crash or left a core.
     * Quick: what takes time (moving the core, gdb) runs on the crash worker, and the trace waits for it.
     */
    public CrashCapture capture(String requestId, CoreFacts facts, ExitStatus exit, RequestTrace trace) {
        if (!exit.signalled() || (!exit.coreDumped() && !CRASHES.contains(exit.signal()))) return null;
        String signal = Signals.name(exit.signal());
        if (!exit.coreDumped() || pattern instanceof CorePattern.Piped) {
            String why = whyNoCore(facts, exit.coreDumped());
            trace.emit(new TraceEvent.CgiCrashDump("", 0, signal, "", "", "", why));
            return CrashCapture.without(signal, exit.coreDumped(), why);
        }
        Path target = directory.resolve(requestId + ".core");
        CompletableFuture<CrashReport> report = new CompletableFuture<>();
        trace.awaitEvidence(report);
        worker.execute(() -> {
            CrashReport r;
            try {
                r = collect(requestId, facts, signal, target);
            } catch (RuntimeException e) {
                r = new CrashReport(null, 0, null, "the crash evidence could not be collected: " + e);
            }
            Backtrace bt = r.backtrace();
            trace.emit(new TraceEvent.CgiCrashDump(r.core() == null ? "" : r.core().toString(), r.coreBytes(), signal,
                    bt == null ? "" : bt.faultAddress(), bt == null ? "" : bt.summary(), bt == null ? "" : bt.text(),
                    r.problem() == null ? "" : r.problem()));
            log.log(requestId, "crash: " + facts.executable() + " (pid " + facts.pid() + ") "
                    + (bt != null && !bt.summary().isEmpty() ? bt.summary() : "died by " + signal)
                    + (r.core() == null ? "" : "; core kept as " + r.core())
                    + (r.problem() == null ? "" : "; " + r.problem()));
            report.complete(r);
        });
        return new CrashCapture(signal, true, target, null, gdb.isPresent(), report);
    }

    private CrashReport collect(String requestId, CoreFacts facts, String signal, Path target) {
        Optional<Path> source;
        try {
            source = switch (pattern) {
                case CorePattern.FilePattern f -> f.find(facts);
                case CorePattern.Systemd s -> fromSystemd(facts, target);
                case CorePattern.Piped p -> Optional.empty();
            };
        } catch (IOException e) {
            return new CrashReport(null, 0, null, "the core could not be read back: " + e.getMessage());
        }
        if (source.isEmpty()) {
            return new CrashReport(null, 0, null, "the kernel reported a core dump, but no core matching core_pattern \""
                    + pattern.text() + "\" was found" + (pattern instanceof CorePattern.FilePattern f
                    ? " in " + f.directory(facts) : ""));
        }
        long size;
        try {
            if (!source.get().equals(target)) Files.move(source.get(), target, StandardCopyOption.REPLACE_EXISTING);
            // The program's directory is its own: between finding the core and moving it, a process of its user may
            // have put a link there. Only a regular file is kept, and nothing below follows links.
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(target);
                return new CrashReport(null, 0, null, "the core " + source.get() + " was replaced by something other than"
                        + " a regular file before it could be kept (a link?); nothing was kept");
            }
            ownAndClose(target);
            size = Files.size(target);
        } catch (IOException e) {
            return new CrashReport(null, 0, null, "the core " + source.get() + " could not be moved to " + target + ": " + e);
        }
        retain();
        if (gdb.isEmpty()) {
            return new CrashReport(target, size, null, "gdb is not installed: no backtrace (apt-get install gdb; then: gdb "
                    + facts.executable() + " " + target + ")");
        }
        Gdb.Result g = gdb.get().backtrace(facts.executable(), target);
        writeSummary(requestId, facts, signal, target, g);
        return new CrashReport(target, size, g.backtrace(), g.problem() == null ? null : "no backtrace: " + g.problem());
    }

    /** systemd-coredump stores the core a moment after the process died: ask coredumpctl until it has it. */
    private Optional<Path> fromSystemd(CoreFacts facts, Path target) throws IOException {
        long deadline = System.nanoTime() + SYSTEMD_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = new ProcessBuilder("coredumpctl", "--no-pager", "--quiet", "dump", Long.toString(facts.pid()),
                    "--output", target.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                if (p.waitFor(SYSTEMD_WAIT.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0 && Files.size(target) > 0) {
                    return Optional.of(target);
                }
                Thread.sleep(250);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The core is the server's file now: the program user (who wrote it) must not read other requests' data in it. */
    private static void ownAndClose(Path core) throws IOException {
        var dir = Files.readAttributes(core.getParent(), PosixFileAttributes.class);
        var view = Files.getFileAttributeView(core, java.nio.file.attribute.PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        view.setPermissions(PosixFilePermissions.fromString("rw-------"));
        try {
            if (!view.readAttributes().owner().equals(dir.owner())) view.setOwner(dir.owner());
            if (!view.readAttributes().group().equals(dir.group())) view.setGroup(dir.group());
        } catch (IOException e) {
            // Not root: it stays the program user's, in a directory only the server can enter.
        }
    }

    private void writeSummary(String requestId, CoreFacts facts, String signal, Path core, Gdb.Result g) {
        StringBuilder sb = new StringBuilder();
        sb.append("request ").append(requestId).append('\n')
                .append("program ").append(facts.executable()).append(" (pid ").append(facts.pid()).append(")\n")
                .append("signal ").append(signal).append('\n')
                .append("core ").append(core).append('\n');
        if (g.backtrace() != null) sb.append(g.backtrace().summary()).append("\n\n").append(g.backtrace().text());
        else sb.append("no backtrace: ").append(g.problem()).append('\n');
        Path txt = directory.resolve(requestId + ".txt");
        try {
            Files.writeString(txt, sb);
            Files.setPosixFilePermissions(txt, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            log.log(requestId, "crash: could not write " + txt + ": " + e);
        }
    }

    /** Keeps the newest {@code keep} cores (and their .txt). */
    private void retain() {
        List<Path> cores;
        try (Stream<Path> files = Files.list(directory)) {
            cores = files.filter(p -> p.getFileName().toString().endsWith(".core"))
                    .sorted(Comparator.comparingLong(CrashDumps::modified).reversed()).toList();
        } catch (IOException e) {
            return;
        }
        for (Path old : cores.subList(Math.min(keep, cores.size()), cores.size())) {
            String name = old.getFileName().toString();
            try {
                Files.deleteIfExists(old);
                Files.deleteIfExists(old.resolveSibling(name.substring(0, name.length() - ".core".length()) + ".txt"));
            } catch (IOException e) {
                log.log(null, "crash: could not delete the old core " + old + ": " + e);
            }
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** In words, why a crash left no core for us. */
    String whyNoCore(CoreFacts facts, boolean coreDumped) {
        return switch (pattern) {
            case CorePattern.Piped p -> "core_pattern pipes cores to " + p.collector() + ", so the core went to it, not to"
                    + " Tracegate (see that tool's crash reports; Tracegate does not change this system setting)";
            case CorePattern.Systemd s -> "the kernel wrote no core (systemd-coredump got none): its size limit, or the"
                    + " program is not dumpable (setuid, unreadable)";
            case CorePattern.FilePattern f -> {
                Path dir = f.directory(facts);
                if (dir != null && !writableBy(dir, facts.uid(), facts.gid())) {
                    yield "core_pattern \"" + f.text() + "\" puts the core in " + dir + ", which uid " + facts.uid()
                            + " cannot write, so the kernel wrote none. Let the program user write there, or set an"
                            + " absolute core_pattern in a directory it can write (sysctl kernel.core_pattern=/var/crash/core.%p)";
                }
                yield "the kernel wrote no core: the program is not dumpable (setuid, unreadable), or a file of that name"
                        + " in " + dir + " is not the program user's";
            }
        };
    }

    /** Whether uid:gid may create files in dir, by its mode bits (ACLs aside). */
    static boolean writableBy(Path dir, int uid, int gid) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
            int owner = (int) Files.getAttribute(dir, "unix:uid");
            int group = (int) Files.getAttribute(dir, "unix:gid");
            Set<PosixFilePermission> p = a.permissions();
            if (uid == 0) return true;
            if (owner == uid) return p.contains(PosixFilePermission.OWNER_WRITE) && p.contains(PosixFilePermission.OWNER_EXECUTE);
            if (group == gid) return p.contains(PosixFilePermission.GROUP_WRITE) && p.contains(PosixFilePermission.GROUP_EXECUTE);
            return p.contains(PosixFilePermission.OTHERS_WRITE) && p.contains(PosixFilePermission.OTHERS_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(Gdb.TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
