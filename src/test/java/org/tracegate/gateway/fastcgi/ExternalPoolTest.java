package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.process.Watchdog;

/**
 * The external pool's one FIFO, shared by the lanes' blocking lease and the selector path's leaseAsync: at most
 * maxConnections at once, queueLength more waiting, the next one refused at once (503.2), one that waits past its
 * wait refused then, a freed connection going to the first in the queue.
 */
class ExternalPoolTest {
    @TempDir
    Path dir;
    private FakeFastCgiServer server;
    private final Watchdog watchdog = new Watchdog();
    private ExternalPool pool;

    @BeforeEach
    void start() throws Exception {
        server = FakeFastCgiServer.unix(dir, p -> {
            try {
                p.read();                              // holds the connection until we close it
            } catch (Exception closed) {
                // the test closed it
            }
        });
        pool = new ExternalPool(server.address(), 1, 1, Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() throws Exception {
        pool.close();
        watchdog.close();
        server.close();
    }

    /** A leaseAsync's answer: the lease, or why there is none. */
    private CompletableFuture<Object> leaseAsync(Duration wait) {
        CompletableFuture<Object> got = new CompletableFuture<>();
        pool.leaseAsync(wait, watchdog, got::complete, got::complete);
        return got;
    }

    @Test
    void oneRunsOneWaitsTheNextIsRefusedAtOnceAndAFreedConnectionGoesToTheFirstWaiting() throws Exception {
        FastCgiBackend.Lease first = (FastCgiBackend.Lease) leaseAsync(Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
        CompletableFuture<Object> second = leaseAsync(Duration.ofSeconds(10));
        Object third = leaseAsync(Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
        assertThat(second).isNotDone();
        assertThat(third).isEqualTo(new FastCgiUnavailable.Busy(1, Duration.ZERO));

        pool.release(first, new ExchangeReport(server.address(), 1, 0, new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE),
                0, 0, 0, 0, "", true, 0));
        FastCgiBackend.Lease next = (FastCgiBackend.Lease) second.get(5, TimeUnit.SECONDS);
        assertThat(next.connection()).as("the kept connection, handed on").isSameAs(first.connection());
        assertThat(next.fresh()).isFalse();
        pool.release(next, null);
        // The fake server counts a connection when its acceptor gets to it, a moment after our connect returned.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connections() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(100);
        assertThat(server.connections()).as("one connection made in all").isEqualTo(1);
    }

    /** A request still waiting when the server stops is refused as shutting down (503), not as a pool too small. */
    @Test
    void theRequestsStillWaitingAtCloseAreRefusedAsClosedNotBusy() throws Exception {
        pool.close();
        pool = new ExternalPool(server.address(), 1, 5, Duration.ofSeconds(2));
        FastCgiBackend.Lease first = pool.lease(Duration.ofSeconds(1));
        CompletableFuture<Object> async = leaseAsync(Duration.ofSeconds(10));
        CompletableFuture<Object> lane = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.lease(Duration.ofSeconds(10));
            } catch (FastCgiUnavailable e) {
                return e.reason();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.queued() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
        pool.close();
        assertThat(async.get(5, TimeUnit.SECONDS)).isEqualTo(new FastCgiUnavailable.Closed());
        assertThat(lane.get(5, TimeUnit.SECONDS)).isEqualTo(new FastCgiUnavailable.Closed());
        pool.release(first, null);
    }

    @Test
    void aRequestWaitingPastItsWaitIsRefusedThen() throws Exception {
        FastCgiBackend.Lease first = pool.lease(Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        Object late = leaseAsync(Duration.ofMillis(200)).get(5, TimeUnit.SECONDS);
        assertThat(late).isEqualTo(new FastCgiUnavailable.Busy(1, Duration.ofMillis(200)));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(150);
        assertThatThrownBy(() -> pool.lease(Duration.ofMillis(100))).isInstanceOf(FastCgiUnavailable.class);
        pool.release(first, null);
    }

    @Test
    void aLanesBlockingLeaseAndAnAsyncOneShareOneQueueInOrder() throws Exception {
        pool.close();
        pool = new ExternalPool(server.address(), 1, 5, Duration.ofSeconds(2));
        FastCgiBackend.Lease first = pool.lease(Duration.ofSeconds(1));
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<FastCgiBackend.Lease> lane = CompletableFuture.supplyAsync(() -> {
            try {
                FastCgiBackend.Lease l = pool.lease(Duration.ofSeconds(10));
                order.add("lane");
                return l;
            } catch (FastCgiUnavailable e) {
                throw new AssertionError(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!lane.isDone() && System.nanoTime() < deadline && pool.queued() < 1) Thread.sleep(5);
        CompletableFuture<Object> async = leaseAsync(Duration.ofSeconds(10)).thenApply(l -> {
            order.add("async");
            return l;
        });
        pool.release(first, null);                     // not kept: the first in the queue connects anew
        FastCgiBackend.Lease l = lane.get(5, TimeUnit.SECONDS);
        assertThat(async).as("the later one still waits").isNotDone();
        pool.release(l, null);
        async.get(5, TimeUnit.SECONDS);
        assertThat(order).containsExactly("lane", "async");
    }

    /** A pool with sendAhead on an event loop, one connection; {@code first} is running a request (its records written). */
    private FastCgiBackend.Lease runningOnAheadPool(EventLoop loop) throws Exception {
        pool.close();
        pool = new ExternalPool(server.address(), 1, 5, Duration.ofSeconds(2), loop, true);
        FastCgiBackend.Lease first = (FastCgiBackend.Lease) leaseAsync(Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
        first.connection().startPush(new ExchangeRequest(java.util.Map.of(), null, true), watchdog, Duration.ofSeconds(1),
                new org.tracegate.trace.RequestTrace(null), line -> { });
        first.connection().requestSent("/srv/fast.php");
        return first;
    }

    private ExchangeReport kept(FastCgiBackend.Lease l) {
        return new ExchangeReport(server.address(), 1, 0, new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE),
                0, 0, 0, 0, "", true, 0);
    }

    @Test
    void withSendAheadARequestGoesBehindTheRunningOneAndBeginsWhenThatOneIsOver() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            FastCgiBackend.Lease first = runningOnAheadPool(loop);
            FastCgiBackend.Lease behind = (FastCgiBackend.Lease) leaseAsync(Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
            assertThat(behind.connection()).isSameAs(first.connection());
            assertThat(behind.ahead()).isNotNull();
            assertThat(behind.fresh()).isFalse();
            CompletableFuture<Object> third = leaseAsync(Duration.ofSeconds(10));
            assertThat(third).as("one behind each running request, no more: it waits").isNotDone();
            CompletableFuture<Boolean> begun = new CompletableFuture<>();
            behind.ahead().registered(begun::complete);
            assertThat(begun).isNotDone();
            first.connection().finished(true);
            pool.release(first, kept(first));
            assertThat(begun.get(5, TimeUnit.SECONDS)).as("kept: may be sent again if it fails before output").isTrue();
            assertThat(pool.open()).as("the slot passed on, not freed").isEqualTo(1);
            first.connection().resumed();
            // The request behind runs now: the next waiting goes behind it. Another script than the first's: that one
            // counts as slow (nothing behind it) when this test took over 50 ms between its send and its release.
            first.connection().requestSent("/srv/next.php");
            FastCgiBackend.Lease next = (FastCgiBackend.Lease) third.get(5, TimeUnit.SECONDS);
            assertThat(next.ahead()).isNotNull();
            assertThat(next.connection()).isSameAs(first.connection());
        }
    }

    @Test
    void withSendAheadNothingGoesAheadOfARequestWithABodyWaitingInTheQueue() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            FastCgiBackend.Lease first = runningOnAheadPool(loop);
            CompletableFuture<FastCgiBackend.Lease> lane = CompletableFuture.supplyAsync(() -> {
                try {
                    return pool.lease(Duration.ofSeconds(10));
                } catch (FastCgiUnavailable e) {
                    throw new AssertionError(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && pool.queued() < 1) Thread.sleep(5);
            first.connection().requestSent("/srv/fast.php");               // room behind the running request, but a lane waits first
            CompletableFuture<Object> later = leaseAsync(Duration.ofSeconds(10));
            Thread.sleep(200);
            assertThat(later).as("queued behind the lane's request, not sent ahead of it").isNotDone();
            first.connection().finished(true);
            pool.release(first, kept(first));
            FastCgiBackend.Lease l = lane.get(5, TimeUnit.SECONDS);
            assertThat(l.ahead()).isNull();
            assertThat(l.connection()).isSameAs(first.connection());
            pool.release(l, null);
            assertThat(later.get(5, TimeUnit.SECONDS)).isInstanceOf(FastCgiBackend.Lease.class);
        }
    }

    @Test
    void withSendAheadTheRequestBehindOneWhoseConnectionWasLostMayBeSentAgainButNotBehindOneCut() throws Exception {
        try (EventLoop loop = new EventLoop()) {
            FastCgiBackend.Lease first = runningOnAheadPool(loop);
            FastCgiBackend.Lease behind = (FastCgiBackend.Lease) leaseAsync(Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
            CompletableFuture<Boolean> begun = new CompletableFuture<>();
            behind.ahead().registered(begun::complete);
            first.connection().finished(false);
            pool.release(first, new ExchangeReport(server.address(), 1, 0,
                    new RequestEnd.ConnectionLost(Stage.BEFORE_STDOUT, "EOF", "EOF"), 0, 0, 0, 0, "", false, 0));
            assertThat(begun.get(5, TimeUnit.SECONDS)).as("lost before END_REQUEST: php-fpm never started it").isTrue();
            pool.release(behind, null);

            FastCgiBackend.Lease again = runningOnAheadPool(loop);
            FastCgiBackend.Lease behind2 = (FastCgiBackend.Lease) leaseAsync(Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS);
            first = again;
            first.connection().finished(false);
            pool.release(first, new ExchangeReport(server.address(), 1, 0, new RequestEnd.Abandoned(Stage.BEFORE_STDOUT),
                    0, 0, 0, 0, "", false, 0));
            CompletableFuture<Boolean> begun2 = new CompletableFuture<>();
            behind2.ahead().registered(begun2::complete);   // registered after the end: begins at once
            assertThat(begun2.get(5, TimeUnit.SECONDS)).as("abandoned: php-fpm may still read it").isFalse();
            assertThat(behind2.connection().isOpen()).isFalse();
            pool.release(behind2, null);
        }
    }
}
