package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TestServer;

/**
 * ManagedSelfExitTest with a body: docs/fastcgi.md, "What the operator sees": a process that exits by itself with
 * status 0 (php-cgi with the operator's own PHP_FCGI_MAX_REQUESTS) is "not a failure", and "a request that found it
 * gone is sent again to a new process". A request with a body must not be the one that finds it gone: its body,
 * once read, cannot be sent again.
 */
class ManagedSelfExitPostTest {
    @Test
    void aProcessThatExitsByItselfAfterItsRequestsFailsNoPost() throws Exception {
        Path dir = Files.createTempDirectory("tracegate-selfexit-post-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path echo = dir.resolve("echo.php");
        Files.writeString(echo, "<?php echo strlen(file_get_contents('php://input')), ' ', getmypid();");
        Files.setPosixFilePermissions(echo, PosixFilePermissions.fromString("rw-r--r--"));
        FastCgiPool d = FastCgiPool.defaults();
        FastCgiPool pool = new FastCgiPool(1, 200, d.idleTimeout(), Duration.ofSeconds(8), Duration.ofSeconds(20),
                d.queueLength(), Duration.ofSeconds(10), 0, null);
        FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null,
                List.of("/usr/bin/php-cgi", "-n", "-d", "cgi.force_redirect=0"), pool,
                new EnvironmentPolicy(List.of("PATH"), Map.of("PHP_FCGI_MAX_REQUESTS", "2")));
        try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(m)).build())) {
            List<String> statuses = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                HttpResponse<String> r = ts.send(ts.request("/php/echo.php")
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))));
                statuses.add(r.statusCode() + " " + r.body().lines().findFirst().orElse(""));
            }
            assertThat(statuses).allMatch(s -> s.startsWith("200 1000 "));
        } finally {
            org.tracegate.http.TempDirectories.delete(dir);
        }
    }
}
