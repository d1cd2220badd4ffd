package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TempDirectories;
import org.tracegate.http.TestServer;

/**
 * docs/security.md, "a daemon (setsid, double fork) holding stdout open": for a CGI program it is ended with the
 * request. A managed FastCGI script can start one too (exec('setsid …')), which leaves the worker's process group and
 * holds the worker's stderr pipe: it must not outlive the pool.
 */
class ManagedEscapedDaemonTest {
    @Test
    void aDaemonThatLeftAWorkersGroupHoldingItsStderrIsEndedAtClose() throws Exception {
        daemonEnded(200, false, false);
    }

    /** SIGTERM ignored: it gets its SIGKILL after the kill grace, before close() returns (a server exits then). */
    @Test
    void aDaemonThatIgnoresSigtermIsGoneWhenCloseReturns() throws Exception {
        daemonEnded(200, false, true);
    }

    /** instanceMaxRequests = 1: the worker is recycled after the request, and its daemon goes while the pool runs on. */
    @Test
    void aDaemonOfARecycledWorkerIsEndedWhileThePoolRuns() throws Exception {
        daemonEnded(1, true, false);
    }

    private void daemonEnded(int instanceMaxRequests, boolean whileRunning, boolean ignoresTerm) throws Exception {
        Path dir = PhpScripts.directory("tracegate-escaped-");
        String marker = "1235." + (System.nanoTime() % 1_000_000_000L);
        try {
            // The pause: a recycled worker's group is ended right after its request, and the daemon must have left the
            // group (setsid) by then, or the group's end takes it along and there is nothing left to test.
            String daemon = ignoresTerm ? "setsid sh -c \"trap \\'\\' TERM; exec sleep " + marker + "\"" : "setsid sleep " + marker;
            PhpScripts.script(dir, "daemon.php", "<?php exec('" + daemon + " </dev/null >/dev/null &');"
                    + " usleep(500000); echo getmypid();");
            FastCgiPool d = FastCgiPool.defaults();
            FastCgiPool pool = new FastCgiPool(1, instanceMaxRequests, d.idleTimeout(), Duration.ofSeconds(8),
                    Duration.ofSeconds(20), d.queueLength(), Duration.ofSeconds(10), 0, null);
            FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null, PhpScripts.PHP_CGI, pool,
                    EnvironmentPolicy.defaults());
            TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(m)).build());
            try {
                HttpResponse<String> r = ts.get("/php/daemon.php");
                assertThat(r.statusCode()).isEqualTo(200);
                List<Long> started = ManagedGroupLeftoverTest.pgrep("sleep " + marker);
                for (int i = 0; i < 40 && started.isEmpty(); i++) {
                    Thread.sleep(50);
                    started = ManagedGroupLeftoverTest.pgrep("sleep " + marker);
                }
                assertThat(started).as("the daemon runs").hasSize(1);
                if (whileRunning) {
                    assertThat(awaitGone(marker)).as("the recycled worker's daemon, the pool still open").isEmpty();
                    assertThat(ts.errorLog()).contains("ended 1 escaped process(es) of worker pid " + r.body().strip());
                    assertThat(ts.get("/php/daemon.php").statusCode()).as("the pool serves on").isEqualTo(200);
                }
            } finally {
                ts.close();
            }
            if (ignoresTerm) {
                assertThat(ManagedGroupLeftoverTest.pgrep("sleep " + marker)).as("gone when close() returned").isEmpty();
            }
            assertThat(awaitGone(marker)).as("the escaped daemon after the pool's close").isEmpty();
            // close() and the wait after the worker's death both look for escaped processes: one of them ends it, once.
            assertThat(ts.errorLogAtClose().split("escaped process\\(es\\) of worker pid", -1))
                    .as("one line per daemon ended").hasSize(whileRunning ? 3 : 2);
        } finally {
            for (long p : ManagedGroupLeftoverTest.pgrep("sleep " + marker)) {
                new ProcessBuilder("kill", "-KILL", Long.toString(p)).start().waitFor();
            }
            TempDirectories.delete(dir);
        }
    }

    private static List<Long> awaitGone(String marker) throws Exception {
        List<Long> left = ManagedGroupLeftoverTest.pgrep("sleep " + marker);
        for (int i = 0; i < 100 && !left.isEmpty(); i++) {
            Thread.sleep(50);
            left = ManagedGroupLeftoverTest.pgrep("sleep " + marker);
        }
        return left;
    }
}
