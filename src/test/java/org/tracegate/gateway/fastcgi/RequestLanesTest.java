package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tracegate.process.Watchdog;

/** The lanes that run an application's requests: as many at once as instances, a bounded FIFO queue, its timeout. */
class RequestLanesTest {
    private final Watchdog watchdog = new Watchdog();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        watchdog.close();
    }

    /** A job that records what became of it and, when told to, holds its lane until released. */
    private static final class Probe implements RequestLanes.Job {
        final CompletableFuture<String> fate = new CompletableFuture<>();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final boolean hold;
        volatile Runnable instanceFree;

        Probe(boolean hold) { this.hold = hold; }

        @Override
        public void run(Duration waited, Runnable instanceFree) {
            this.instanceFree = instanceFree;
            started.countDown();
            try {
                if (hold) release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fate.complete("ran on " + Thread.currentThread().getName());
        }

        @Override
        public void refused(FastCgiUnavailable.Reason why) {
            fate.complete(switch (why) {
                case FastCgiUnavailable.Busy b -> "busy " + b.instances() + " " + b.waited().toMillis() + " ms";
                case FastCgiUnavailable.Closed c -> "closed";
                default -> why.toString();
            });
        }

        String fate() throws Exception { return fate.get(30, TimeUnit.SECONDS); }
    }

    @Test
    void asManyRunAtOnceAsThereAreLanesAndTheRestWaitInOrder() throws Exception {
        try (RequestLanes lanes = new RequestLanes("t", 2, 10, Duration.ofSeconds(30), watchdog, problems::add)) {
            Probe a = new Probe(true), b = new Probe(true), c = new Probe(false);
            lanes.submit(a);
            lanes.submit(b);
            assertThat(a.started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(b.started.await(10, TimeUnit.SECONDS)).isTrue();
            lanes.submit(c);
            Thread.sleep(100);
            assertThat(c.started.getCount()).as("no third lane").isEqualTo(1);
            assertThat(lanes.queued()).isEqualTo(1);
            a.release.countDown();
            assertThat(c.fate()).startsWith("ran on tracegate-fastcgi-t-");
            b.release.countDown();
            assertThat(a.fate()).startsWith("ran on");
            assertThat(b.fate()).startsWith("ran on");
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void beyondTheLanesAndTheQueueARequestIsRefusedAtOnce() throws Exception {
        try (RequestLanes lanes = new RequestLanes("t", 1, 1, Duration.ofSeconds(30), watchdog, problems::add)) {
            Probe running = new Probe(true), waiting = new Probe(false), third = new Probe(false);
            lanes.submit(running);
            assertThat(running.started.await(10, TimeUnit.SECONDS)).isTrue();
            lanes.submit(waiting);
            lanes.submit(third);
            assertThat(third.fate()).isEqualTo("busy 1 0 ms");
            running.release.countDown();
            assertThat(waiting.fate()).startsWith("ran on");
        }
    }

    @Test
    void aQueueOfZeroTakesARequestOnlyWhenAnInstanceIsFree() throws Exception {
        try (RequestLanes lanes = new RequestLanes("t", 1, 0, Duration.ofSeconds(30), watchdog, problems::add)) {
            Probe running = new Probe(true), refused = new Probe(false), next = new Probe(false);
            lanes.submit(running);
            assertThat(running.started.await(10, TimeUnit.SECONDS)).isTrue();
            lanes.submit(refused);
            assertThat(refused.fate()).isEqualTo("busy 1 0 ms");
            // The instance is back before the response is delivered: a request sent on seeing it is taken.
            running.instanceFree.run();
            lanes.submit(next);
            running.release.countDown();
            assertThat(next.fate()).startsWith("ran on");
        }
    }

    @Test
    void aRequestQueuedPastTheQueueTimeoutIsRefusedAndNeverRuns() throws Exception {
        try (RequestLanes lanes = new RequestLanes("t", 1, 5, Duration.ofMillis(200), watchdog, problems::add)) {
            Probe running = new Probe(true), late = new Probe(false);
            lanes.submit(running);
            assertThat(running.started.await(10, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            lanes.submit(late);
            assertThat(late.fate()).isEqualTo("busy 1 200 ms");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(150L, 5000L);
            assertThat(lanes.queued()).isZero();
            running.release.countDown();
            assertThat(running.fate()).startsWith("ran on");
            assertThat(late.started.getCount()).as("never ran").isEqualTo(1);
        }
    }

    @Test
    void aFaultThatEscapesAJobIsReportedAndTheLaneGoesOn() throws Exception {
        escapes(new IllegalStateException("boom"), "java.lang.IllegalStateException: boom");
    }

    @Test
    void anErrorThatEscapesAJobDoesNotEndTheLaneEither() throws Exception {
        // A lane that ended would leave its instance unused for good: every later request waits out queueTimeout.
        escapes(new AssertionError("boom"), "java.lang.AssertionError: boom");
    }

    private void escapes(Throwable fault, String reported) throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (RequestLanes lanes = new RequestLanes("t", 1, 5, Duration.ofSeconds(30), watchdog, problems::add)) {
            lanes.submit(new RequestLanes.Job() {
                @Override
                public void run(Duration waited, Runnable instanceFree) {
                    runs.incrementAndGet();
                    if (fault instanceof Error e) throw e;
                    throw (RuntimeException) fault;
                }

                @Override
                public void refused(FastCgiUnavailable.Reason why) { }
            });
            Probe after = new Probe(false);
            lanes.submit(after);
            assertThat(after.fate()).startsWith("ran on");
        }
        assertThat(runs).hasValue(1);
        assertThat(problems).containsExactly("fastcgi: a request failed outside its own handling: " + reported);
    }

    @Test
    void closingRefusesWhatIsQueuedLetsTheRunningOneFinishAndEndsTheThreads() throws Exception {
        RequestLanes lanes = new RequestLanes("closing", 1, 5, Duration.ofSeconds(30), watchdog, problems::add);
        Probe running = new Probe(true), queued = new Probe(false);
        lanes.submit(running);
        assertThat(running.started.await(10, TimeUnit.SECONDS)).isTrue();
        lanes.submit(queued);
        Thread closer = Thread.ofPlatform().start(lanes::close);
        assertThat(queued.fate()).as("queued when the server stops: not busy, closed").isEqualTo("closed");
        running.release.countDown();
        closer.join(10_000);
        assertThat(running.fate()).startsWith("ran on");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("tracegate-fastcgi-closing-"));
        Probe afterClose = new Probe(false);
        lanes.submit(afterClose);
        assertThat(afterClose.fate()).isEqualTo("closed");
    }

    @Test
    void stopDoesNotWaitForTheRunningRequest() throws Exception {
        RequestLanes lanes = new RequestLanes("stopping", 1, 5, Duration.ofSeconds(30), watchdog, problems::add);
        Probe running = new Probe(true), queued = new Probe(false);
        lanes.submit(running);
        assertThat(running.started.await(10, TimeUnit.SECONDS)).isTrue();
        lanes.submit(queued);
        long t0 = System.nanoTime();
        lanes.stop();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000L);
        assertThat(queued.fate()).isEqualTo("closed");
        running.release.countDown();
        lanes.close();
        assertThat(running.fate()).startsWith("ran on");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("tracegate-fastcgi-stopping-"));
    }
}
