package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.offline.TestPrograms;

/** {@code tracegate probe} with real programs: what a server would have done, without a server. */
class ProbeCommandTest {
    static Path dir;

    @BeforeAll
    static void programs() throws Exception {
        dir = TestPrograms.directory();
        TestPrograms.script(dir, "good.sh", "printf 'Content-Type: text/plain\\r\\nX-Method: %s\\r\\n\\r\\n' \"$REQUEST_METHOD\"\n"
                + "echo \"query=$QUERY_STRING path=$PATH_INFO extra=$EXTRA\"; echo 'a warning' >&2");
        TestPrograms.script(dir, "bad.sh", "printf 'Content-Type: text/plain\\r\\nX Bad: 1\\r\\nX-Ok: 2\\r\\nno colon here\\r\\n\\r\\nbody\\n'");
        TestPrograms.script(dir, "hang.sh", "sleep 60");
        TestPrograms.script(dir, "post.sh", "printf 'Content-Type: text/plain\\r\\n\\r\\n'; echo \"$CONTENT_LENGTH $CONTENT_TYPE\"; "
                + "sha256sum | cut -c1-64");
        TestPrograms.c(dir, "crash", TestPrograms.CRASH_C);
    }

    @Test
    void aGoodProgramIsRelayedAndExitsZero() {
        Cli r = Cli.run("probe", dir.resolve("good.sh").toString(), "--method", "PUT", "--query", "a=1",
                "--path-info", "/x/y", "--env", "EXTRA=yes");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\"X-Method: PUT\\r\\n\"").contains("Problems    none")
                .contains("Response    200, ").contains("query=a=1 path=/x/y extra=yes").contains("| a warning")
                .contains("Exit        exit status 0").contains("Verdict     a server would relay this response (200)");
    }

    @Test
    void everyBadHeaderLineIsQuotedWithItsLine() {
        Cli r = Cli.run("probe", dir.resolve("bad.sh").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("line 2: invalid header name: \"X Bad: 1\"")
                .contains("line 4: missing colon: \"no colon here\"")
                .contains("Cause       The CGI program sent an invalid header block: invalid header name at line 2: \"X Bad: 1\"")
                .contains("it would answer 502.2");
    }

    @Test
    void aCrashShowsItsSignal() {
        Cli r = Cli.run("probe", dir.resolve("crash").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("Exit        signal SIGSEGV").contains("| crash: parsing the config")
                .contains("Cause       The CGI program ended (signal SIGSEGV) before it sent a complete set of HTTP headers; it sent no header at all.")
                .contains("Headers     (none");
    }

    @Test
    void aHangIsStoppedAtTheTimeout() {
        long t0 = System.nanoTime();
        Cli r = Cli.run("probe", dir.resolve("hang.sh").toString(), "--timeout", "1");
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(15_000);
        assertThat(r.out()).contains("Status      502.1")
                .contains("did not send a complete set of HTTP headers within 1 s; it was stopped")
                .contains("ended by HEADER_TIMEOUT");
    }

    @Test
    void aBodyReachesTheProgram() throws Exception {
        byte[] body = new byte[300];
        for (int i = 0; i < body.length; i++) body[i] = (byte) i;
        Path f = Files.write(Files.createTempFile("probe-body", ".bin"), body);
        Cli r = Cli.run("probe", dir.resolve("post.sh").toString(), "--method", "POST", "--body", f.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("300 application/x-www-form-urlencoded\\n" + sha256(body));
    }

    @Test
    void badUsageIsTwo() {
        assertThat(Cli.run("probe", dir.resolve("missing").toString()).exit()).isEqualTo(2);
        assertThat(Cli.run("probe", dir.resolve("good.sh").toString(), "--env", "NOEQUALS").exit()).isEqualTo(2);
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }
}
