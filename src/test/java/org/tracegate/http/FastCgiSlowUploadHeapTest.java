package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracegate.config.ConnectionLimits;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;

/**
 * requestBuffering's own cost under the attack it answers (docs/security.md: a FastCGI upload sent a few bytes at a
 * time, from many connections): each such connection holds a virtual thread reading its body, and must hold little
 * heap, as an idle keep-alive connection does (ConnectionCapTest: < 24 KiB), or a few hundred connections from a few
 * addresses (within maxConnectionsPerClient) fill the launcher's heap.
 */
class FastCgiSlowUploadHeapTest {
    @Test
    void aTricklingUploadHoldsLittleHeap() throws Exception {
        Path dir = Files.createTempDirectory("tracegate-trickle-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("echo.php"), "<?php echo strlen(file_get_contents('php://input'));");
        FastCgiPool d = FastCgiPool.defaults();
        FastCgiPool pool = new FastCgiPool(1, 200, d.idleTimeout(), Duration.ofSeconds(20), Duration.ofSeconds(30),
                d.queueLength(), Duration.ofSeconds(2), 0, null);
        FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null,
                List.of("/usr/bin/php-cgi", "-n", "-d", "cgi.force_redirect=0"), pool, EnvironmentPolicy.defaults());
        int n = 300;
        List<Socket> sockets = new ArrayList<>();
        try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(m))
                .connections(new ConnectionLimits(Duration.ofSeconds(20), 10_000, 1_000)).build())) {
            // Everything loaded before measuring: one upload read whole and answered.
            Socket warm = SocketClients.from("127.0.0.6", ts.port());
            SocketClients.send(warm, "POST /php/echo.php HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nab");
            assertThat(SocketClients.readResponse(warm.getInputStream())).startsWith("HTTP/1.1 200 ");
            warm.close();
            long before = liveHeap();
            for (int i = 0; i < n; i++) {
                Socket s = SocketClients.from("127.0.0.6", ts.port());
                sockets.add(s);
                SocketClients.send(s, "POST /php/echo.php HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n12345");
            }
            Thread.sleep(1000);                         // every head parsed, every body being read
            long perConnection = (liveHeap() - before) / n;
            assertThat(perConnection).as("live heap per trickling upload, bytes").isLessThan(24 * 1024);
        } finally {
            ConnectionCapTest.closeAll(sockets);
            TempDirectories.delete(dir);
        }
    }

    private static long liveHeap() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
