package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.analysis.Analyzed;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.CrashDumpPolicy;
import org.tracegate.config.FailedRequestTracing;
import org.tracegate.config.StatusRange;
import org.tracegate.config.TraceRule;
import org.tracegate.config.TraceVerbosity;
import org.tracegate.failtrace.FailedRequestTracer;
import org.tracegate.http.TestServer;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;
import org.tracegate.trace.TraceSink;

/**
 * Issue 12 §1 end to end: real C programs built with -g crash under the server; the page says where the core is
 * kept, and within seconds the backtrace (function and line) is in the trace, the FREB file and the analyzer.
 * Needs a file core_pattern (Debian's default "core"); on a machine that pipes cores elsewhere it is skipped, and
 * CrashDumpsTest checks what the page then says.
 */
class CrashDumpTest {
    static Path root;
    static Path cgi;
    static Path crashes;
    static Path freb;
    static TestServer ts;
    static FailedRequestTracer tracer;
    static final Map<String, RequestTrace> traces = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        assumeTrue(!pattern.startsWith("|"), "core_pattern pipes cores to " + pattern + ": no file to keep here");
        root = Files.createTempDirectory("tracegate-crash-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        cgi = Files.createDirectories(root.resolve("cgi-bin"));
        // A relative core_pattern writes into the program's working directory: its user must be able to write it.
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxrwxrwx"));
        crashes = root.resolve("crashes");
        freb = root.resolve("traces");
        compile("crash", """
                #include <stdio.h>
                struct config { char *name; };
                static int parse_config_line(struct config *c) {
                    return c->name[0];
                }
                int main(void) {
                    printf("Content-Type: text/plain\\r\\n");
                    return parse_config_line(NULL);
                }
                """);
        compile("abort", """
                #include <stdlib.h>
                static void check_invariant(int n) {
                    if (n < 0) abort();
                }
                int main(void) {
                    check_invariant(-1);
                    return 0;
                }
                """);
        compile("big", """
                #include <stdlib.h>
                #include <string.h>
                int main(void) {
                    char *p = malloc(16 << 20);
                    memset(p, 'x', 16 << 20);
                    abort();
                }
                """);
        Path die = cgi.resolve("die.pl");
        Files.writeString(die, "#!/usr/bin/perl\ndie \"no config file\\n\";\n");
        Files.setPosixFilePermissions(die, PosixFilePermissions.fromString("rwxr-xr-x"));
        FailedRequestTracing tracing = new FailedRequestTracing(true, freb, 50, 1024, List.of(new TraceRule("*",
                StatusRange.parseList("500-599"), null, TraceVerbosity.VERBOSE, Set.copyOf(TraceRule.AREAS))));
        tracer = new FailedRequestTracer(tracing, freb);
        ts = TestServer.start(c -> c.toBuilder().cgi(List.of(new CgiMapping("/c/", cgi, false)))
                .crashDumps(new CrashDumpPolicy(true, 64, 2, crashes)).build(),
                TraceSink.all(List.of(t -> traces.put(t.context().requestId(), t), tracer)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ts != null) ts.close();
        if (tracer != null) tracer.close();
    }

    private static void compile(String name, String source) throws Exception {
        Path c = root.resolve(name + ".c");
        Files.writeString(c, source);
        Process p = new ProcessBuilder("gcc", "-g", "-O0", "-o", cgi.resolve(name).toString(), c.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    private static RequestTrace traceOf(HttpResponse<?> r) throws Exception {
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        for (int i = 0; i < 200 && !traces.containsKey(id); i++) Thread.sleep(25);
        RequestTrace t = traces.get(id);
        t.evidence().get(60, TimeUnit.SECONDS); // the backtrace, read after the response
        return t;
    }

    @Test
    void aNullDereferenceShowsItsFunctionAndLineEverywhere() throws Exception {
        HttpResponse<String> page = ts.get("/c/crash");
        assertThat(page.statusCode()).isEqualTo(502);
        String id = page.headers().firstValue("X-Request-Id").orElseThrow();
        Path core = crashes.resolve(id + ".core");
        // The page goes out at once; it says where the core is kept and where the backtrace will be.
        assertThat(page.body()).contains("<h2>Crash</h2>").contains("SIGSEGV and dumped core; it is kept as " + core)
                .contains("gdb is reading its backtrace now").contains(crashes.resolve(id + ".txt").toString());

        RequestTrace t = traceOf(page);
        TraceEvent.CgiCrashDump dump = t.last(TraceEvent.CgiCrashDump.class);
        // gdb names the source as gcc was given it: here by its absolute path.
        String at = root.resolve("crash.c") + ":4";
        assertThat(dump.crashedIn()).isEqualTo("crashed in parse_config_line at " + at + " (SIGSEGV, address 0x0)");
        assertThat(dump.corePath()).isEqualTo(core.toString());
        assertThat(dump.backtrace()).contains("main () at " + root.resolve("crash.c") + ":8");
        assertThat(dump.problem()).isEmpty();
        // The core is the server's now: 0600 in a 0700 directory, out of the program user's reach.
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(core))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(crashes))).isEqualTo("rwx------");
        assertThat(Files.size(core)).isPositive().isEqualTo(dump.coreBytes());
        assertThat(Files.readString(crashes.resolve(id + ".txt"))).contains("crashed in parse_config_line at " + at);
        try (Stream<Path> left = Files.list(cgi)) { // moved, not copied: nothing litters the program's directory
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("core"));
        }

        Analyzed a = Analyzed.of(t);
        assertThat(a.diagnosis().cause())
                .isEqualTo("The program crash crashed in parse_config_line at " + at + " (SIGSEGV, address 0x0) before sending any header.");
        assertThat(a.screen()).contains("backtrace (crashing thread):").contains("parse_config_line (c=0x0) at " + at)
                .contains("gdb " + cgi.resolve("crash") + " " + core);

        assertThat(tracer.awaitIdle(Duration.ofSeconds(60))).isTrue();
        String xml = frebFileFor(id);
        assertThat(xml).contains("CGI_CRASH_DUMP").contains("crashed in parse_config_line at " + at + " (SIGSEGV, address 0x0)");
        assertThat(ts.errorLog()).contains("crash: " + cgi.resolve("crash")).contains("crashed in parse_config_line at " + at);
    }

    @Test
    void abortIsSigabrtInTheCaller() throws Exception {
        HttpResponse<String> r = ts.send(ts.request("/c/abort").header("Accept", "application/json"));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"crash\":{\"signal\":\"SIGABRT\",\"coreDumped\":true").contains("\"backtrace\":\"pending\"");
        TraceEvent.CgiCrashDump dump = traceOf(r).last(TraceEvent.CgiCrashDump.class);
        assertThat(dump.crashedIn()).isEqualTo("crashed in check_invariant at " + root.resolve("abort.c") + ":3 (SIGABRT)");
    }

    @Test
    void aScriptThatDiesWithoutASignalHasNoCrashSection() throws Exception {
        HttpResponse<String> r = ts.get("/c/die.pl");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).doesNotContain("<h2>Crash</h2>").contains("no config file");
        assertThat(traceOf(r).last(TraceEvent.CgiCrashDump.class)).isNull();
    }

    @Test
    void onlyTheNewestCoresAreKept() throws Exception {
        for (int i = 0; i < 3; i++) traceOf(ts.get("/c/crash"));
        try (Stream<Path> files = Files.list(crashes)) {
            assertThat(files.filter(p -> p.toString().endsWith(".core")).count()).isEqualTo(2); // keep = 2
        }
        try (Stream<Path> files = Files.list(crashes)) {
            assertThat(files.filter(p -> p.toString().endsWith(".txt")).count()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aCoreIsNoLargerThanMaxSizeMiB() throws Exception {
        Path small = root.resolve("crashes-small");
        try (TestServer one = TestServer.start(c -> c.toBuilder().cgi(List.of(new CgiMapping("/c/", cgi, false)))
                .crashDumps(new CrashDumpPolicy(true, 1, 20, small)).build(), t -> traces.put(t.context().requestId(), t))) {
            HttpResponse<String> r = one.get("/c/big"); // 16 MiB touched, then abort()
            assertThat(r.statusCode()).isEqualTo(502);
            TraceEvent.CgiCrashDump dump = traceOf(r).last(TraceEvent.CgiCrashDump.class);
            assertThat(dump.corePath()).isNotEmpty();
            // The kernel stops writing at RLIMIT_CORE: at most 1 MiB on disk. Its apparent size can be a little larger,
            // since pages the kernel skips (zero pages) leave holes.
            Process du = new ProcessBuilder("du", "-k", dump.corePath()).start();
            long kib = Long.parseLong(new String(du.getInputStream().readAllBytes()).split("\\s+")[0]);
            assertThat(kib).isPositive().isLessThanOrEqualTo(1024);
        }
    }

    private static String frebFileFor(String id) throws Exception {
        try (Stream<Path> files = Files.walk(freb)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".xml")).toList()) {
                String xml = Files.readString(p);
                if (xml.toUpperCase().contains(id.toUpperCase())) return xml;
            }
        }
        throw new AssertionError("no FREB file for " + id);
    }
}
