package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tracegate.config.ConnectionLimits;

/**
 * The connection caps over real sockets: per client address (limits.maxConnectionsPerClient) and in total
 * (limits.maxConnections). Each test starts its own server with the caps it needs.
 */
class ConnectionCapTest {
    static TestServer server(int maxConnections, int maxPerClient) throws Exception {
        return TestServer.start(c -> c.toBuilder()
                .connections(new ConnectionLimits(Duration.ofSeconds(20), maxConnections, maxPerClient)).build());
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (Exception ignored) {
                // Closing is all we want.
            }
        }
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void aClientBeyondItsCapIsAnswered503AndClosedWhileOthersAreServed() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try (TestServer ts = server(10_000, 20)) {
            ClientConnectionCap cap = ts.server.connectionGuard().perClient;
            for (int i = 0; i < 40; i++) sockets.add(SocketClients.from("127.0.0.2", ts.port()));
            await("20 refusals", () -> cap.refused() == 20);

            int open = 0, answered503 = 0, closed = 0;
            for (Socket s : sockets) {
                String said = SocketClients.poll(s, 200);
                if (said == null) {
                    open++;
                } else if (said.startsWith("HTTP/1.1 503 Service Unavailable\r\n")) {
                    answered503++;
                    assertThat(said).contains("Retry-After: 5\r\n", "Connection: close\r\n");
                } else {
                    closed++;
                }
            }
            assertThat(open).isEqualTo(20);
            assertThat(answered503 + closed).isEqualTo(20);
            assertThat(answered503).as("the 503 is written when the socket takes it, as a fresh one does").isPositive();
            assertThat(cap.openByClient()).containsEntry("127.0.0.2", 20);

            // Another client is served at once, however many the first one holds.
            assertThat(ts.get("/t/env.sh").statusCode()).isEqualTo(200);

            // One line for the twenty refusals: at most one per client per minute.
            String log = ts.errorLog();
            assertThat(Pattern.compile("connection refused: client 127\\.0\\.0\\.2 already has 20 open connections, "
                    + "the most limits\\.maxConnectionsPerClient allows; answered 503 and closed").matcher(log).results().count())
                    .isEqualTo(1);

            // Closed connections are counted out: the client may connect again.
            closeAll(sockets);
            await("the count back to 0", () -> !cap.openByClient().containsKey("127.0.0.2"));
            try (Socket again = SocketClients.from("127.0.0.2", ts.port())) {
                again.setSoTimeout(15_000);
                SocketClients.send(again, "GET /t/env.sh HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
                assertThat(SocketClients.readResponse(again.getInputStream())).startsWith("HTTP/1.1 200 ");
            }
        } finally {
            closeAll(sockets);
        }
    }

    @Test
    void ipv6ClientsAreCountedByTheirAddressInRfc5952Form() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try (TestServer ts = TestServer.start(c -> c.toBuilder().listen(List.of("[::1]:0"))
                .connections(new ConnectionLimits(Duration.ofSeconds(20), 10_000, 2)).build())) {
            ClientConnectionCap cap = ts.server.connectionGuard().perClient;
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("::1"), ts.port());
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket();
                s.connect(to, 5_000);
                sockets.add(s);
            }
            await("1 refusal", () -> cap.refused() == 1);
            assertThat(cap.openByClient()).containsEntry("::1", 2);
            assertThat(ts.errorLog()).contains("connection refused: client ::1 already has 2 open connections");
        } finally {
            closeAll(sockets);
        }
    }

    @Test
    void beyondTheTotalCapANewConnectionWaitsUntilOneCloses() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (TestServer ts = server(30, 256)) {
            TotalConnectionLimit total = ts.server.connectionGuard().total;
            for (int i = 0; i < 30; i++) held.add(SocketClients.from("127.0.0.1", ts.port()));
            await("30 connections open", () -> total.getConnections() == 30);

            try (Socket waiting = SocketClients.from("127.0.0.1", ts.port())) { // the kernel's backlog takes it
                SocketClients.send(waiting, "GET /t/env.sh HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
                assertThat(SocketClients.poll(waiting, 1_500)).as("not served while 30 are open").isNull();
                assertThat(total.getConnections()).isEqualTo(30);

                held.removeFirst().close();
                waiting.setSoTimeout(15_000);
                InputStream in = waiting.getInputStream();
                assertThat(SocketClients.readResponse(in)).startsWith("HTTP/1.1 200 ");
            }
            assertThat(ts.errorLog()).contains("connection limit reached: 30 open connections (limits.maxConnections); "
                    + "new connections wait until one closes");
            assertThat(ts.server.connectionGuard().perClient.refused()).isZero();
        } finally {
            closeAll(held);
        }
    }

    /**
     * Idle keep-alive connections must not hold much heap each: Jetty's per-connection header cache (two ~49 KB
     * arrays from a connection's second request on) let 1,000 such connections from four addresses fill 78 MB of
     * the launcher's 96 MB heap. Measured as the live heap before and after 300 of them (each two browser-like
     * requests, kept open); before the fix this was ~100 KB a connection.
     */
    @Test
    void idleKeepAliveConnectionsHoldLittleHeapEach() throws Exception {
        String request = "GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) "
                + "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\nAccept: text/html,"
                + "application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
                + "Accept-Language: en-US,en;q=0.9\r\nAccept-Encoding: gzip, deflate\r\n\r\n";
        int n = 300;
        List<Socket> sockets = new ArrayList<>();
        try (TestServer ts = server(10_000, 1_000)) {
            assertThat(ts.get("/nothing-here").statusCode()).isEqualTo(404);  // everything loaded before measuring
            long before = liveHeap();
            for (int i = 0; i < n; i++) {
                Socket s = SocketClients.from("127.0.0.5", ts.port());
                sockets.add(s);
                for (int r = 0; r < 2; r++) {
                    SocketClients.send(s, request);
                    assertThat(SocketClients.readResponse(s.getInputStream())).startsWith("HTTP/1.1 404 ");
                }
            }
            long perConnection = (liveHeap() - before) / n;
            assertThat(perConnection).as("live heap per idle connection, bytes").isLessThan(24 * 1024);
        } finally {
            closeAll(sockets);
        }
    }

    private static long liveHeap() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {             // the least of three: a collection racing a server thread
            System.gc();
            Thread.sleep(50);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
