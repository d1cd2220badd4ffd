package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TestServer;

/**
 * docs/fastcgi.md, "Keys": rapidFailsPerMinute counts unexpected deaths "or failed starts". A command that is no
 * FastCGI application and ends at once with status 0 (the php CLI named instead of php-cgi: it reads its descriptor
 * 0, a listening socket, as an empty script) never answers a request: each is a failed start, and after
 * rapidFailsPerMinute of them the pool stops with 503.3 instead of starting a process for every request.
 */
class ManagedCleanExitLoopTest {
    @Test
    void aCommandThatEndsWithStatus0BeforeAnsweringTripsRapidFailProtection() throws Exception {
        Path dir = PhpScripts.directory("tracegate-cleanexit-");
        PhpScripts.script(dir, "hello.php", "<?php echo 'hi';");
        FastCgiPool d = FastCgiPool.defaults();
        FastCgiPool pool = new FastCgiPool(1, 200, d.idleTimeout(), Duration.ofSeconds(8), Duration.ofSeconds(20),
                d.queueLength(), Duration.ofSeconds(10), 3, null);
        FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null, List.of("/usr/bin/php", "-n"), pool,
                EnvironmentPolicy.defaults());
        try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(m)).build())) {
            List<String> statuses = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = ts.send(ts.request("/php/hello.php").header("Accept", "application/json"));
                statuses.add(r.statusCode() + " " + r.body().replaceAll("(?s).*\"statusCode\":\"([0-9.]+)\".*", "$1"));
            }
            assertThat(statuses.subList(0, 3)).allMatch(s -> s.startsWith("502 502."));
            assertThat(statuses.subList(3, 6)).as("after 3 failed starts: %s", statuses).allMatch(s -> s.equals("503 503.3"));
            String log = ts.errorLog();
            assertThat(log).contains("rapid-fail protection: 3 unexpected failures within 60 s");
            // One line per failed start, saying what it was: never also "by itself", which reads as a clean end.
            assertThat(log.split("before it answered its first request \\(is /usr/bin/php a FastCGI application\\?\\);"
                    + " a failed start", -1)).hasSize(4);
            assertThat(log).doesNotContain("by itself");
        } finally {
            org.tracegate.http.TempDirectories.delete(dir);
        }
    }
}
