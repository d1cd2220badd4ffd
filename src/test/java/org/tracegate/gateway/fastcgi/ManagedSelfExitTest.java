package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

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
 * docs/fastcgi.md, "What the operator sees": a managed process that exits by itself with status 0 (php-cgi
 * with the operator's own PHP_FCGI_MAX_REQUESTS) is "not a failure" and "the next request starts a new process".
 * Every request is answered: the request that finds its process gone is sent again to a new one.
 */
class ManagedSelfExitTest {
    @Test
    void aProcessThatExitsByItselfAfterItsRequestsFailsNoRequest() throws Exception {
        Path dir = Files.createTempDirectory("tracegate-selfexit-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path hello = dir.resolve("hello.php");
        Files.writeString(hello, "<?php echo 'hi ', getmypid();");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rw-r--r--"));
        FastCgiPool d = FastCgiPool.defaults();
        FastCgiPool pool = new FastCgiPool(1, 200, d.idleTimeout(), Duration.ofSeconds(8), Duration.ofSeconds(20),
                d.queueLength(), Duration.ofSeconds(10), 0, null);
        FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null,
                List.of("/usr/bin/php-cgi", "-n", "-d", "cgi.force_redirect=0"), pool,
                new EnvironmentPolicy(List.of("PATH"), Map.of("PHP_FCGI_MAX_REQUESTS", "2")));
        try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(m)).build())) {
            List<String> statuses = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                HttpResponse<String> r = ts.get("/php/hello.php");
                statuses.add(r.statusCode() + (r.statusCode() == 200 ? "" : " " + r.body().lines().findFirst().orElse("")));
            }
            assertThat(statuses).allMatch(s -> s.equals("200"));
        } finally {
            org.tracegate.http.TempDirectories.delete(dir);
        }
    }
}
