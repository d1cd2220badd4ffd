package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.CrashLoopPolicy;
import org.tracegate.config.ProgramLimits;
import org.tracegate.config.ProgramUser;

/**
 * Issue 9 over real HTTP, the server running as root (as in CI): programs run as nobody:nogroup with no
 * supplementary groups and no capabilities; each limit fires and is named; a daemon holding stdout cannot pin
 * its request; stderr floods are bounded; crash loops trip and recover; suEXEC's checks refuse what another
 * user could change.
 */
class HardeningTest {
    static Path programs;

    @BeforeAll
    static void programs() throws Exception {
        assertThat(System.getProperty("user.name")).as("these tests switch users: run them as root").isEqualTo("root");
        programs = Files.createTempDirectory("tracegate-hardening-");
        Files.setPosixFilePermissions(programs, PosixFilePermissions.fromString("rwxr-xr-x"));
        program("whoami.sh", "printf 'Content-Type: text/plain\\r\\n\\r\\n'; id -u; id -g; id -G;"
                + " grep -E '^(CapEff|CapPrm|CapBnd):' /proc/self/status");
        program("spin.sh", "while :; do :; done");
        program("forker.sh", "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 1 & done; wait; printf 'Content-Type: text/plain\\r\\n\\r\\nforked\\n'");
        program("big-output.sh", "printf 'Content-Type: application/octet-stream\\r\\n\\r\\n'; exec head -c 5000000 /dev/zero");
        program("daemon.sh", "printf 'Content-Type: text/plain\\r\\n\\r\\n'; setsid sh -c 'echo daemon=$$; exec sleep 300' &"
                + " sleep 0.2; echo leader-done");
        program("flood.sh", "printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'; printf 'forged\\r2026-01-01 [x] fake\\033[2K\\n' >&2;"
                + " head -c 2000000 /dev/zero | tr '\\0' 'e' | fold -w 100 >&2");
        program("fails.sh", "echo failing on purpose >&2; exit 3");
    }

    static Path program(String name, String body) throws Exception {
        Path p = programs.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    static TestServer server(ProgramLimits limits) throws Exception {
        return TestServer.start(c -> c.withCgi(List.of(new CgiMapping("/p/", programs, false)))
                .toBuilder().programLimits(limits).build());
    }

    @Test
    void aRootServerRunsProgramsAsNobodyWithNoGroupsAndNoCapabilities() throws Exception {
        try (TestServer ts = server(ProgramLimits.defaults())) {
            String body = ts.get("/p/whoami.sh").body();
            assertThat(body.lines().toList()).startsWith("65534", "65534", "65534");
            assertThat(body).contains("CapEff:\t0000000000000000").contains("CapPrm:\t0000000000000000");
            assertThat(ts.server.programSummary()).anyMatch(l -> l.contains("programs run as nobody:nogroup (uid 65534"));
        }
    }

    @Test
    void theCpuLimitIsNamedOnThePageInProblemJsonAndInTheTrace() throws Exception {
        // A header timeout well past the CPU limit: on a loaded machine one CPU second takes longer than that.
        try (TestServer ts = TestServer.start(c -> c.withCgi(List.of(new CgiMapping("/p/", programs, false)))
                .withLimits(c.limits().withHeaderTimeout(Duration.ofSeconds(30)))
                .toBuilder().programLimits(new ProgramLimits(1, 0, 0, 0, 0, 64)).build())) {
            HttpResponse<String> r = ts.send(ts.request("/p/spin.sh").header("Accept", "application/json"));
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("\"statusCode\":\"502.2\"").contains("exceeded its CPU limit of 1 s")
                    .contains("SIGXCPU");
            assertThat(ts.errorLog()).contains("cgi: the program exceeded its CPU limit of 1 s");
        }
    }

    @Test
    void aProcessLimitShowsAsAFailedForkNamedByTheLimit() throws Exception {
        // RLIMIT_NPROC counts every process of the program user on the machine: on a shared machine other tests'
        // nobody processes can exhaust it before the program runs (then the launch itself is refused, EAGAIN).
        org.junit.jupiter.api.Assumptions.assumeTrue(processesOf(programUid()) == 0,
                "other processes of uid " + programUid() + " run on this machine and count toward RLIMIT_NPROC");
        try (TestServer ts = server(new ProgramLimits(0, 0, 4, 0, 0, 64))) {
            HttpResponse<String> r = ts.send(ts.request("/p/forker.sh").header("Accept", "application/json"));
            // The shell gives up on a fork it cannot make; whether it exits or carries on, the limit is named.
            assertThat(ts.errorLog()).contains("hit its limit of 4 processes (fork failed)");
            if (r.statusCode() == 502) assertThat(r.body()).contains("\"limit\":\"the program hit its limit of 4 processes");
        }
    }

    @Test
    void theOutputLimitCutsTheResponseOff() throws Exception {
        try (TestServer ts = server(new ProgramLimits(0, 0, 0, 0, 1, 64))) {
            String raw = ts.raw("GET /p/big-output.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(raw).startsWith("HTTP/1.1 200 ");
            assertThat(raw.length()).isLessThan(2_000_000);
            assertThat(ts.errorLog()).contains("sent more than its output limit of 1 MiB");
        }
    }

    @Test
    void aDaemonHoldingStdoutCannotPinItsRequest() throws Exception {
        try (TestServer ts = server(ProgramLimits.defaults())) {
            long start = System.nanoTime();
            String raw = ts.raw("GET /p/daemon.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Matcher m = Pattern.compile("daemon=(\\d+)").matcher(raw);
            assertThat(m.find()).as(raw).isTrue();
            long daemon = Long.parseLong(m.group(1));
            // The idle timeout (2 s here) ends it, plus the kill grace; far from the daemon's 300 s.
            assertThat(took).isLessThan(Duration.ofSeconds(15));
            for (int i = 0; i < 50 && ProcessHandle.of(daemon).isPresent(); i++) Thread.sleep(100);
            assertThat(ProcessHandle.of(daemon)).as("the escaped daemon was ended").isEmpty();
            assertThat(ts.errorLog()).contains("escaped process(es)");
        }
    }

    @Test
    void stderrIsBoundedAndCannotForgeLogLines() throws Exception {
        try (TestServer ts = server(new ProgramLimits(0, 0, 0, 0, 0, 4))) {
            HttpResponse<String> r = ts.get("/p/flood.sh");
            assertThat(r.statusCode()).isEqualTo(200);
            String id = r.headers().firstValue("X-Request-Id").orElseThrow();
            Thread.sleep(500);
            List<String> lines = ts.errorLog().lines().filter(l -> l.contains("[" + id + "]")).toList();
            long bytes = lines.stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length).sum();
            assertThat(bytes).as("2 MB of stderr became").isLessThan(16 * 1024);
            assertThat(lines).anyMatch(l -> l.contains("more bytes not logged (limits.stderrKiB = 4"));
            assertThat(lines).anyMatch(l -> l.contains("forged\\r2026-01-01 [x] fake\\x1b[2K"));
            assertThat(ts.errorLog()).doesNotContain("\u001b");
        }
    }

    @Test
    void aCrashLoopTripsAnswers503_3AndRecoversAfterTheCooldown() throws Exception {
        try (TestServer ts = TestServer.start(c -> c.withCgi(List.of(new CgiMapping("/p/", programs, false)))
                .toBuilder().crashLoop(new CrashLoopPolicy(3, Duration.ofSeconds(60), Duration.ofSeconds(2))).build())) {
            for (int i = 0; i < 3; i++) assertThat(ts.get("/p/fails.sh").statusCode()).isEqualTo(502);
            HttpResponse<String> resting = ts.send(ts.request("/p/fails.sh").header("Accept", "application/json"));
            assertThat(resting.statusCode()).isEqualTo(503);
            assertThat(resting.headers().firstValue("Retry-After")).isPresent();
            assertThat(resting.body()).contains("\"statusCode\":\"503.3\"").contains("crash loop")
                    .contains("exit status 3");
            assertThat(ts.get("/p/whoami.sh").statusCode()).as("other programs are not affected").isEqualTo(200);
            assertThat(ts.errorLog()).contains("crash loop: " + programs.resolve("fails.sh").toRealPath());
            Thread.sleep(2_500);
            assertThat(ts.get("/p/fails.sh").statusCode()).as("tried again after the cooldown").isEqualTo(502);
            assertThat(ts.errorLog()).contains("crash loop over: ");
        }
    }

    @Test
    void suexecRefusesAProgramAnotherUserCouldChange() throws Exception {
        Path dir = Files.createTempDirectory("tracegate-suexec-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path ok = dir.resolve("ok.sh");
        Files.writeString(ok, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'; id -u\n");
        Files.setPosixFilePermissions(ok, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path groupWritable = dir.resolve("gw.sh");
        Files.copy(ok, groupWritable);
        Files.setPosixFilePermissions(groupWritable, PosixFilePermissions.fromString("rwxrwxr-x"));
        CgiMapping own = new CgiMapping("/own/", dir, false).withUser(new ProgramUser("daemon", null, false));
        try (TestServer ts = TestServer.start(c -> c.withCgi(List.of(own)))) {
            HttpResponse<String> r = ts.get("/own/ok.sh");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body().strip()).isEqualTo(Long.toString(uidOf("daemon")));
            HttpResponse<String> refused = ts.send(ts.request("/own/gw.sh").header("Accept", "application/json"));
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("\"statusCode\":\"403.19\"").contains("writable by its group");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertThat(ts.get("/own/ok.sh").statusCode()).as("a world-writable directory").isEqualTo(403);
        }
    }

    private static long uidOf(String user) throws Exception {
        Process p = new ProcessBuilder("id", "-u", user).start();
        return Long.parseLong(new String(p.getInputStream().readAllBytes()).strip());
    }

    /** The uid programs run as here: nobody for a root test run, else ourselves. */
    private static int programUid() throws java.io.IOException {
        int self = (int) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
        return self == 0 ? 65534 : self;
    }

    private static long processesOf(int uid) throws java.io.IOException {
        if (uid != 65534) return 0; // our own processes are this JVM's: the limit test is meant for nobody
        try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter(p -> {
                try {
                    return (int) java.nio.file.Files.getAttribute(p, "unix:uid") == uid;
                } catch (java.io.IOException | RuntimeException e) {
                    return false; // gone meanwhile
                }
            }).count();
        }
    }
}
