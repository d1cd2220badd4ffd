package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.FailedRequestTracing;
import org.tracegate.config.ServerConfig;
import org.tracegate.config.TraceRule;
import org.tracegate.failtrace.FailedRequestTracer;
import org.tracegate.http.TestServer;
import org.tracegate.offline.TestPrograms;
import org.tracegate.session.SessionWriter;
import org.tracegate.trace.TraceSink;
import org.tracegate.traceformats.SessionFilter;

/**
 * {@code tracegate replay} of requests a real server traced (FREB files, a session file): real programs, run
 * again offline, as the user the server ran them as.
 */
class ReplayCommandTest {
    static Path dir, traces, session;
    static TestServer server;
    static FailedRequestTracer freb;
    static SessionWriter sessionWriter;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void serverWithTracing() throws Exception {
        dir = TestPrograms.directory();
        TestPrograms.script(dir, "exit3.sh", "echo 'about to fail: config file missing' >&2; exit 3");
        TestPrograms.script(dir, "sha.sh", "printf 'Content-Type: text/plain\\r\\n\\r\\n'; sha256sum | cut -c1-64");
        TestPrograms.script(dir, "count.sh", "printf 'Status: 500 Counted\\r\\nContent-Type: text/plain\\r\\n\\r\\n'; wc -c");
        TestPrograms.c(dir, "crash", TestPrograms.CRASH_C);
        traces = Files.createTempDirectory("tracegate-replay-traces");
        session = traces.resolve("session.jsonl");
        // maxBodyKiB 1: a 5000-byte body is recorded as its first 1024 bytes.
        FailedRequestTracing frt = new FailedRequestTracing(true, traces, 50, 1024,
                List.of(TraceRule.forStatusCodes("200-599")), 1);
        ServerConfig base = TestServer.baseConfig().withCgi(List.of(new CgiMapping("/x/", dir, false)))
                .withFailedRequestTracing(frt);
        freb = new FailedRequestTracer(frt, traces);
        sessionWriter = SessionWriter.open(session, SessionFilter.all(), 64 << 20);
        server = TestServer.start(c -> base.withListen(c.listen()), TraceSink.all(List.of(freb, sessionWriter)));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        freb.close();
        sessionWriter.close();
    }

    /** Sends the request and returns the FREB file it got. */
    static Path traced(String method, String path, byte[] body) throws Exception {
        long before = frebFiles().size();
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        for (int i = 0; i < 200 && frebFiles().size() <= before; i++) Thread.sleep(25);
        assertThat(freb.awaitIdle(Duration.ofSeconds(10))).isTrue();
        List<Path> files = frebFiles();
        assertThat(files).hasSizeGreaterThan((int) before);
        return files.getLast();
    }

    static List<Path> frebFiles() throws Exception {
        Path site = traces.resolve("W3SVC1");
        if (!Files.isDirectory(site)) return List.of();
        try (Stream<Path> s = Files.list(site)) {
            return s.filter(p -> p.getFileName().toString().matches("fr\\d+\\.xml")).sorted().toList();
        }
    }

    @Test
    void aPrematureExitReproducesTheSameOutcomeAndCause() throws Exception {
        Path fr = traced("GET", "/x/exit3.sh?a=1", null);
        Cli r = Cli.run("replay", fr.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("-> 502.2")
                .contains(org.tracegate.process.Credentials.ofServer().uid() == 0
                        ? "as        uid 65534, gid 65534 (as recorded)"   // a root server ran it as nobody
                        : "as        you (uid ")
                .contains("| about to fail: config file missing")
                .contains("Cause       The CGI program ended (exit status 3) before it sent a complete set of HTTP headers; it sent no header at all.")
                .contains("Compared    the same outcome as recorded: 502.2, the same cause");
    }

    @Test
    void aCrashReproducesTheSignal() throws Exception {
        Path fr = traced("GET", "/x/crash", null);
        Cli r = Cli.run("replay", fr.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Exit        signal SIGSEGV")
                .contains("Compared    the same outcome as recorded: 502.2, the same cause");
        Cli analyzed = Cli.run("trace", "analyze", fr.toString());
        assertThat(analyzed.out()).as("the analyzer points at replay").contains("`tracegate replay " + fr + " --request '{");
    }

    @Test
    void aPostBodyReachesTheProgramByteForByte() throws Exception {
        byte[] body = new byte[700];
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 7);
        Path fr = traced("POST", "/x/sha.sh", body);
        Cli r = Cli.run("replay", fr.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("body      700 bytes, whole")
                .contains("body starts \"" + ProbeCommandTest.sha256(body) + "\\n\"")
                .contains("Compared    the same outcome as recorded: 200");
    }

    @Test
    void aTruncatedBodyIsSaidToBePartial() throws Exception {
        Path fr = traced("POST", "/x/count.sh", new byte[5000]);
        Cli r = Cli.run("replay", fr.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("body      PARTIAL: the first 1024 of 5000 bytes")
                .contains("Note        the body is partial")
                .contains("body starts \"1024\\n\"");
    }

    @Test
    void gdbPrintsTheBacktraceNamingTheFunction() throws Exception {
        Assumptions.assumeTrue(TestPrograms.installed("gdb"), "no gdb");
        Path fr = traced("GET", "/x/crash", null);
        Cli r = Cli.run("replay", fr.toString(), "--gdb");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("SIGSEGV").contains("parse_config_line").contains("crash.c");
    }

    @Test
    void straceWritesItsLog() throws Exception {
        Assumptions.assumeTrue(TestPrograms.installed("strace"), "no strace");
        Path fr = traced("GET", "/x/exit3.sh", null);
        Cli r = Cli.run("replay", fr.toString(), "--strace");
        assertThat(r.exit()).as(r.toString()).isZero();
        Matcher m = Pattern.compile("Syscalls    written to (\\S+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Files.readString(Path.of(m.group(1)))).contains("execve(").contains("exit_group(3)");
        assertThat(r.out()).contains("Compared    the same outcome as recorded: 502.2, the same cause");
    }

    @Test
    void severalFailedRequestsInASessionAreListedUntilOneIsChosen() throws Exception {
        traced("GET", "/x/exit3.sh?first", null);
        traced("GET", "/x/crash?second", null);
        Thread.sleep(300); // the session writer flushes when its queue is empty
        Cli listed = Cli.run("replay", session.toString());
        assertThat(listed.exit()).as(listed.toString()).isEqualTo(2);
        assertThat(listed.err()).contains("choose one with --request ID").contains("/x/exit3.sh?first")
                .contains("/x/crash?second");
        Matcher id = Pattern.compile("(\\{[0-9a-f-]+})  502\\.2  GET \\S+/x/crash\\?second").matcher(listed.err());
        assertThat(id.find()).as(listed.err()).isTrue();
        Cli chosen = Cli.run("replay", session.toString(), "--request", id.group(1));
        assertThat(chosen.exit()).as(chosen.toString()).isZero();
        assertThat(chosen.out()).contains("/x/crash?second").contains("signal SIGSEGV");
    }
    @Test
    void valgrindWritesItsLog() throws Exception {
        Assumptions.assumeTrue(TestPrograms.installed("valgrind"), "no valgrind");
        Path fr = traced("GET", "/x/exit3.sh", null);
        Cli r = Cli.run("replay", fr.toString(), "--valgrind");
        assertThat(r.exit()).as(r.toString()).isZero();
        Matcher m = Pattern.compile("Valgrind    written to (\\S+)").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Files.readString(Path.of(m.group(1)))).contains("Memcheck");
        assertThat(r.out()).contains("Compared    the same outcome as recorded: 502.2, the same cause");
    }

    @Test
    void aTraceWithoutTheEnvironmentCannotBeReplayed() {
        Cli r = Cli.run("replay", Path.of("src/test/resources/fr000001.xml").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("does not record the program's environment");
        assertThat(Cli.run("replay", "no-such-file.xml").exit()).isEqualTo(2);
        assertThat(Cli.run("replay", "x.xml", "--gdb", "--strace").exit()).isEqualTo(2);
    }
}
