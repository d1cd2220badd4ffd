package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TempDirectories;
import org.tracegate.http.TestServer;

/**
 * docs/fastcgi.md, "Managed pools": each process runs in a process group of its own, and nothing is left behind. A
 * worker that dies unexpectedly (the OOM killer, kill -9) may leave members of its group running: a background job a
 * script started, php-cgi's own children with PHP_FCGI_CHILDREN. Those must be ended with it, as a retired process's
 * group is, not left running past the pool's close.
 */
class ManagedGroupLeftoverTest {
    @Test
    void theGroupOfAWorkerThatDiedUnexpectedlyIsEndedWithIt() throws Exception {
        Path dir = PhpScripts.directory("tracegate-leftover-");
        String marker = "1234." + (System.nanoTime() % 1_000_000_000L);   // `sleep MARKER`: pgrep finds it, nothing else
        try {
            PhpScripts.script(dir, "hello.php", "<?php echo getmypid();");
            // php-cgi with one more member in its group, as a script's background job would be.
            Path wrapper = dir.resolve("php-with-child.sh");
            Files.writeString(wrapper, "#!/bin/sh\nsleep " + marker + " </dev/null >/dev/null 2>&1 &\n"
                    + "exec /usr/bin/php-cgi -n -d cgi.force_redirect=0\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool pool = new FastCgiPool(1, 200, d.idleTimeout(), Duration.ofSeconds(8), Duration.ofSeconds(20),
                    d.queueLength(), Duration.ofSeconds(10), 0, null);
            FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null, List.of(wrapper.toString()), pool,
                    EnvironmentPolicy.defaults());
            try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(m)).build())) {
                HttpResponse<String> r = ts.get("/php/hello.php");
                assertThat(r.statusCode()).isEqualTo(200);
                long pid = Long.parseLong(r.body().strip());
                assertThat(pgrep("sleep " + marker)).as("the group's other member runs").hasSize(1);
                new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start().waitFor();
                for (int i = 0; i < 100 && !ts.errorLog().contains("killed by signal SIGKILL, unexpectedly"); i++) {
                    Thread.sleep(50);
                }
                assertThat(ts.errorLog()).contains("worker pid " + pid + " (1 request(s) served) was killed by signal SIGKILL");
                // The killed worker's group is ended (SIGTERM, SIGKILL after the kill grace of 2 s).
                List<Long> left = pgrep("sleep " + marker);
                for (int i = 0; i < 100 && !left.isEmpty(); i++) {
                    Thread.sleep(50);
                    left = pgrep("sleep " + marker);
                }
                assertThat(left).as("members of the dead worker's group still running").isEmpty();
                assertThat(ts.get("/php/hello.php").statusCode()).as("replaced").isEqualTo(200);
            }
        } finally {
            for (long p : pgrep("sleep " + marker)) new ProcessBuilder("kill", "-KILL", Long.toString(p)).start().waitFor();
            TempDirectories.delete(dir);
        }
    }

    static List<Long> pgrep(String pattern) throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", "^" + pattern).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        List<Long> found = new ArrayList<>();
        for (String s : out.split("\\s+")) if (!s.isEmpty()) found.add(Long.parseLong(s));
        return found;
    }
}
