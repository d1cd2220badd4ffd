package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TestServer;

/**
 * A FastCGI server's STDERR is hostile input, as a CGI program's stderr: a line that forges another log line (CR, an
 * ESC sequence) is escaped, and a flood stops at limits.stderrKiB of error.log, then one line counts the rest
 * (docs/security.md). The page still shows the last 8 KiB.
 */
class HostileStderrTest {
    @TempDir
    Path dir;

    @Test
    void aRequestsStderrIsEscapedAndBoundedInTheErrorLog() throws Exception {
        String line = "x".repeat(1000) + "\n";
        try (FakeFastCgiServer server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            p.stderr(1, "forged\r2026-01-01T00:00:00Z [-] admin logged in \u001b[2K\n");
            for (int i = 0; i < 40; i++) p.stderr(1, line.repeat(50));        // 2 MB of stderr
            p.stdout(1, "Content-Type: text/plain\r\n\r\nok");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        })) {
            try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(new FastCgiMapping("/fake/", dir,
                    ".php", server.address().toString(), null, FastCgiPool.defaults(), EnvironmentPolicy.defaults()))).build())) {
                assertThat(ts.get("/fake/a.php").statusCode()).isEqualTo(200);
                String log = ts.errorLog();
                long stderrBytes = log.lines().filter(l -> l.contains("fastcgi: stderr: ")).mapToLong(String::length).sum();
                assertThat(log).as("control characters escaped").doesNotContain("\u001b").doesNotContain("\r");
                assertThat(stderrBytes).as("at most limits.stderrKiB (64 KiB) of error.log").isLessThan(80 * 1024);
                assertThat(log).contains("forged\\r2026-01-01T00:00:00Z [-] admin logged in \\x1b[2K")
                        .containsPattern("fastcgi: stderr: \\d+ more bytes not logged \\(limits.stderrKiB = 64; the page"
                                + " shows the last 8 KiB\\) \\(fastcgi unix:");
            }
        }
    }
}
