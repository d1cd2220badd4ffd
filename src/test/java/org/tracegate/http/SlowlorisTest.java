package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 1,500 connections trickling request heads, spread over 127.0.0.2–127.0.0.9 so the per-client cap (256) does not
 * refuse them: their bytes are gathered on the selector thread ({@link HeadGateConnection}), so Jetty's pool does
 * not grow while they trickle, even when all 1,500 send at once; a normal request is still served, and nothing
 * leaks once they close. No latencies here: bench/slowloris.sh.
 */
class SlowlorisTest {
    static final int CONNECTIONS = 1_500;
    static final int SMOOTH_PASSES = 4;
    static final int BURSTS = 4;

    @RegisterExtension
    static final TestServer ts = TestServer.fixture(); // the defaults: 20 s head deadline, caps 10,000 and 256

    @Test
    void fifteenHundredTricklingConnectionsDoNotGrowThePoolAndANormalRequestIsServed() throws Exception {
        QueuedThreadPool pool = ts.server.threadPool();
        ClientConnectionCap perClient = ts.server.connectionGuard().perClient;
        assertThat(ts.get("/t/env.sh").statusCode()).isEqualTo(200); // warm: the test client's own threads and socket
        long descriptorsBefore = SocketClients.openDescriptors();
        int otherThreadsBefore = Thread.activeCount() - pool.getThreads();

        List<SocketChannel> slow = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger peakPoolThreads = new AtomicInteger(pool.getThreads());
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!stop.get()) {
                peakPoolThreads.accumulateAndGet(pool.getThreads(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread trickler = null;
        try {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), ts.port());
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel c = SocketChannel.open();
                c.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % 8)), 0));
                c.connect(to);
                slow.add(c);
                if (i % 250 == 249) { // in bursts the backlog holds, on a machine other builds may be using
                    int n = i + 1;
                    ConnectionCapTest.await(n + " accepted", () -> open(perClient) >= n);
                }
            }
            // A head that never ends: its request line, then one header's value a byte at a time. For the first
            // passes every 10 ms the next 15 connections get a byte (each one a byte a second, spread evenly as
            // independent clients' would be), then every second all 1,500 get theirs at once: 1,500 sockets
            // readable at the same moment, the burst that grew the pool by a thread per socket before the gate.
            byte[] head = ("GET /t/env.sh HTTP/1.1\r\nHost: slow\r\nX-Slow: " + "a".repeat(4_000))
                    .getBytes(StandardCharsets.ISO_8859_1);
            trickler = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int at = 0; at < head.length && !stop.get(); at++) {
                        boolean burst = at >= SMOOTH_PASSES;
                        for (int i = 0; i < slow.size() && !stop.get(); i++) {
                            slow.get(i).write(ByteBuffer.wrap(head, at, 1));
                            if (!burst && i % 15 == 14) Thread.sleep(10);
                        }
                        if (burst) Thread.sleep(1_000);
                    }
                } catch (IOException | InterruptedException e) {
                    // Stopped.
                }
            });
            ConnectionCapTest.await("1,500 connections counted", () -> open(perClient) == CONNECTIONS);
            // Accepting 1,500 connections runs a short task each on the pool, which may have grown for that:
            // from here on, only the trickled heads (and one normal request) run.
            int afterAccepting = pool.getThreads();
            peakPoolThreads.set(afterAccepting);
            Thread.sleep(1_000L * (SMOOTH_PASSES + BURSTS)); // every connection has its request line in and more

            assertThat(ts.get("/t/env.sh").statusCode()).as("a normal request, during the slowloris").isEqualTo(200);
            assertThat(ts.errorLog()).doesNotContain("request head timeout", "connection refused");
            assertThat(perClient.refused()).isZero();
            int peak = peakPoolThreads.get();
            assertThat(peak).as("pool threads while 1,500 heads trickle (%d after accepting them)", afterAccepting)
                    .isLessThanOrEqualTo(afterAccepting + 8);
            assertThat(peak).as("pool threads (max %d)", pool.getMaxThreads()).isLessThan(pool.getMaxThreads() / 4);
        } finally {
            stop.set(true);
            if (trickler != null) trickler.join(5_000);
            sampler.join(5_000);
            for (SocketChannel c : slow) c.close();
        }

        ConnectionCapTest.await("the server's endpoints closed", () ->
                open(perClient) == 0 && connectedEndPoints() <= 1); // the test client's keep-alive connection may stay
        ConnectionCapTest.await("descriptors back to where they were", () -> {
            try {
                return SocketClients.openDescriptors() <= descriptorsBefore + 4;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(Thread.activeCount() - pool.getThreads()).as("threads outside Jetty's pool")
                .isLessThanOrEqualTo(otherThreadsBefore + 2);
    }

    /** Open connections from the slowloris's addresses (the test client's own, from 127.0.0.1, not counted). */
    private static int open(ClientConnectionCap perClient) {
        return perClient.openByClient().entrySet().stream().filter(e -> !e.getKey().equals("127.0.0.1"))
                .mapToInt(e -> e.getValue()).sum();
    }

    private static int connectedEndPoints() {
        return ts.server.connectedEndPoints();
    }
}
