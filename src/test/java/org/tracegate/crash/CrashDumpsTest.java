package org.tracegate.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.CrashDumpPolicy;
import org.tracegate.process.ExitStatus;
import org.tracegate.process.Signals;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/** What an operator is told when a crash cannot be fully captured: no gdb, cores piped elsewhere, a directory the program cannot write. */
class CrashDumpsTest {
    @TempDir Path dir;
    final java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
    final ErrorLog log = ErrorLog.to(new java.io.PrintStream(logged, true));

    private CrashDumps dumps(CorePattern pattern, Optional<Gdb> gdb) {
        return CrashDumps.start(new CrashDumpPolicy(true, 64, 20, dir.resolve("crashes")), null, log, pattern, gdb);
    }

    private static RequestTrace trace() {
        return new RequestTrace(new RequestContext(java.util.UUID.randomUUID(), 1, "Tracegate", 1, 1));
    }

    @Test
    void withoutGdbTheCoreIsStillKeptAndThePageSaysGdbIsMissing() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        Path exe = work.resolve("crash");
        Path c = work.resolve("crash.c");
        Files.writeString(c, "int main(void) { return *(volatile int *) 0; }\n");
        assertThat(new ProcessBuilder("gcc", "-g", "-o", exe.toString(), c.toString()).inheritIO().start().waitFor()).isZero();
        long started = System.currentTimeMillis();
        // A real crash with a core (sh sets the size limit, then becomes the program).
        Process p = new ProcessBuilder("sh", "-c", "ulimit -c unlimited; exec ./crash").directory(work.toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(128 + Signals.SIGSEGV);
        CorePattern pattern = CorePattern.ofThisMachine();
        assumeTrue(pattern instanceof CorePattern.FilePattern, "core_pattern is not a file pattern here");
        RequestTrace t = trace();
        try (CrashDumps d = dumps(pattern, Optional.empty())) {
            CrashCapture cap = d.capture("req-1", new CoreFacts(p.pid(), (int) uid(), (int) gid(), Signals.SIGSEGV, exe, work,
                    started), ExitStatus.signalled(Signals.SIGSEGV, true), t);
            assertThat(cap.backtraceComing()).isFalse();
            CrashReport r = cap.report().get(30, TimeUnit.SECONDS);
            assumeTrue(r.core() != null, "no core here: " + r.problem());
            assertThat(r.core()).isEqualTo(dir.resolve("crashes/req-1.core"));
            assertThat(r.backtrace()).isNull();
            assertThat(r.problem()).startsWith("gdb is not installed: no backtrace (apt-get install gdb; then: gdb " + exe);
            assertThat(t.last(TraceEvent.CgiCrashDump.class).problem()).isEqualTo(r.problem());
            assertThat(d.notes(List.of(), 0, 0)).anyMatch(n -> n.contains("gdb is not installed"));
        }
    }

    @Test
    void coresPipedToAnotherCollectorAreExplainedAtStartAndOnThePage() {
        CorePattern apport = CorePattern.parse("|/usr/share/apport/apport -p%p -s%s -c%c", false);
        try (CrashDumps d = dumps(apport, Optional.empty())) {
            assertThat(d.notes(List.of(), 65534, 65534).getFirst())
                    .startsWith("crash dumps: core_pattern pipes cores to /usr/share/apport/apport");
            RequestTrace t = trace();
            CrashCapture cap = d.capture("req-2", new CoreFacts(99999, 65534, 65534, Signals.SIGSEGV, Path.of("/bin/x"), dir, 0),
                    ExitStatus.signalled(Signals.SIGSEGV, true), t);
            assertThat(cap.core()).isNull();
            assertThat(cap.problem()).startsWith("core_pattern pipes cores to /usr/share/apport/apport, so the core went to it");
            assertThat(t.last(TraceEvent.CgiCrashDump.class).problem()).isEqualTo(cap.problem());
        }
    }

    @Test
    void aWorkingDirectoryTheProgramUserCannotWriteIsNamed() throws Exception {
        Path cgi = Files.createDirectory(dir.resolve("cgi-bin"));
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
        assumeTrue(uid() == 0, "the owner is root only when the test runs as root");
        try (CrashDumps d = dumps(CorePattern.parse("core", false), Optional.empty())) {
            assertThat(d.notes(List.of(cgi), 65534, 65534)).anyMatch(n -> n.contains("uid 65534 cannot write " + cgi));
            CrashCapture cap = d.capture("req-3", new CoreFacts(99999, 65534, 65534, Signals.SIGSEGV, cgi.resolve("x"), cgi, 0),
                    ExitStatus.signalled(Signals.SIGSEGV, false), trace());
            assertThat(cap.coreDumped()).isFalse();
            assertThat(cap.problem()).startsWith("core_pattern \"core\" puts the core in " + cgi + ", which uid 65534 cannot write");
        }
    }

    @Test
    void aLinkPlantedAsTheCoreIsNeverFollowedNorKept() throws Exception {
        // The program's directory is its own: a process of its user can put "core" there as a link to a file of
        // the server's, hoping the server (root) moves, chmods and chowns what it points at.
        Path work = Files.createDirectory(dir.resolve("work-link"));
        Path victim = Files.writeString(dir.resolve("victim"), "the server's file\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(work.resolve("core"), victim);
        try (CrashDumps d = dumps(CorePattern.parse("core", false), Optional.empty())) {
            CrashCapture cap = d.capture("req-4", new CoreFacts(99999, 65534, 65534, Signals.SIGSEGV, work.resolve("x"), work,
                    System.currentTimeMillis() - 5000), ExitStatus.signalled(Signals.SIGSEGV, true), trace());
            CrashReport r = cap.report().get(30, TimeUnit.SECONDS);
            assertThat(r.core()).isNull();
            assertThat(r.problem()).contains("no core matching core_pattern");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(victim)).isEqualTo("the server's file\n");
        assertThat(Files.isSymbolicLink(work.resolve("core"))).isTrue(); // left where it was, not moved
        assertThat(dir.resolve("crashes/req-4.core")).doesNotExist();
    }

    @Test
    void signalsThatAreNotCrashesAreNotCaptured() {
        try (CrashDumps d = dumps(CorePattern.parse("core", false), Optional.empty())) {
            CoreFacts f = new CoreFacts(1, 0, 0, Signals.SIGKILL, Path.of("/bin/x"), dir, 0);
            assertThat(d.capture("r", f, ExitStatus.signalled(Signals.SIGKILL, false), trace())).isNull();
            assertThat(d.capture("r", f, ExitStatus.exited(3), trace())).isNull();
        }
    }

    private static long uid() throws Exception { return (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid"); }

    private static long gid() throws Exception { return (int) Files.getAttribute(Path.of("/proc/self"), "unix:gid"); }
}
