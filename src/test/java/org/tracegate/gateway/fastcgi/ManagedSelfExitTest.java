package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TempDirectories;
import org.tracegate.http.TestServer;

/**
 * docs/fastcgi.md, "What the operator sees": a managed process that exits by itself with status 0 (php-cgi
 * with the operator's own PHP_FCGI_MAX_REQUESTS) is "not a failure" and "the next request starts a new process".
 * Every request is answered: the request that finds its process gone is sent again to a new one. A request with a
 * body too: it finds the connection gone when its head cannot be written (EPIPE), before any of its body is read,
 * whether the body was read whole first (requestBuffering) or streams.
 */
class ManagedSelfExitTest {
    private Path dir;

    @BeforeEach
    void scripts() throws Exception {
        dir = PhpScripts.directory("tracegate-selfexit-");
        PhpScripts.script(dir, "hello.php", "<?php echo 'hi ', getmypid();");
        PhpScripts.script(dir, "echo.php", "<?php echo strlen(file_get_contents('php://input')), ' ', getmypid();");
    }

    @AfterEach
    void clean() throws Exception { TempDirectories.delete(dir); }

    @Test
    void aProcessThatExitsByItselfAfterItsRequestsFailsNoRequest() throws Exception {
        try (TestServer ts = server(true)) {
            List<String> statuses = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                HttpResponse<String> r = ts.get("/php/hello.php");
                statuses.add(r.statusCode() + (r.statusCode() == 200 ? "" : " " + r.body().lines().findFirst().orElse("")));
            }
            assertThat(statuses).allMatch(s -> s.equals("200"));
            // Each process that ended so is said once, as a clean end (whoever saw its exit first: the reaper or the
            // request that found it gone), and never as a failed start: each answered two requests.
            String log = ts.errorLog();
            List<String> pids = log.lines().filter(l -> l.contains(", by itself;"))
                    .map(l -> l.replaceAll(".*worker pid ([0-9]+) .*", "$1")).toList();
            assertThat(pids).as(log).hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
            assertThat(log).doesNotContain("a failed start");
        }
    }

    @Test
    void noPostFailsWithItsBodyReadWhole() throws Exception { fifteenPosts(true); }

    @Test
    void noPostFailsWithItsBodyStreamed() throws Exception { fifteenPosts(false); }

    private void fifteenPosts(boolean buffering) throws Exception {
        try (TestServer ts = server(buffering)) {
            List<String> statuses = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                HttpResponse<String> r = ts.send(ts.request("/php/echo.php")
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))));
                statuses.add(r.statusCode() + " " + r.body().lines().findFirst().orElse(""));
            }
            assertThat(statuses).allMatch(s -> s.startsWith("200 1000 "));
        }
    }

    private TestServer server(boolean buffering) throws Exception {
        FastCgiPool d = FastCgiPool.defaults();
        FastCgiPool pool = new FastCgiPool(1, 200, d.idleTimeout(), Duration.ofSeconds(8), Duration.ofSeconds(20),
                d.queueLength(), Duration.ofSeconds(10), 0, null).withRequestBuffering(buffering);
        FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null, PhpScripts.PHP_CGI, pool,
                new EnvironmentPolicy(List.of("PATH"), Map.of("PHP_FCGI_MAX_REQUESTS", "2")));
        return TestServer.start(c -> c.toBuilder().fastcgi(List.of(m)).build());
    }
}
