package org.tracegate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyGateTest {

    private static CompletableFuture<GatewayFailure.Overloaded> acquireAsync(ConcurrencyGate gate) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return gate.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
    }

    /**
     * A request that arrives just as a slot frees up queues behind one that was already waiting: the
     * untimed Semaphore.tryAcquire() would let the newcomer (here the releasing thread itself, which runs
     * on while the waiter is still being woken) take the slot first.
     */
    @Test
    void aFreedSlotGoesToTheLongestWaiterNotToANewcomer() throws Exception {
        ConcurrencyGate gate = new ConcurrencyGate(1, 10, Duration.ofMillis(500));
        assertThat(gate.acquire()).isNull();
        CompletableFuture<GatewayFailure.Overloaded> waiter = acquireAsync(gate);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gate.parked() == 0 && System.nanoTime() < end) Thread.sleep(1);
        assertThat(gate.parked()).as("the first request is parked in the queue").isEqualTo(1);
        assertThat(gate.waiting()).isEqualTo(1);

        gate.release();
        GatewayFailure.Overloaded newcomer = gate.acquire(); // queues, and times out: the waiter holds the slot
        assertThat(waiter.get(10, TimeUnit.SECONDS)).as("the waiter got the slot").isNull();
        assertThat(newcomer).as("the newcomer waited its turn").isNotNull();
        gate.release();
    }

    @Test
    void aFullQueueIsRefusedAtOnceAndAWaitEndsWith503_2() throws Exception {
        ConcurrencyGate gate = new ConcurrencyGate(1, 0, Duration.ofMillis(50));
        assertThat(gate.acquire()).isNull();
        GatewayFailure.Overloaded refused = gate.acquire();
        assertThat(refused).isNotNull();
        assertThat(refused.waited()).isEqualTo(Duration.ZERO);

        ConcurrencyGate queued = new ConcurrencyGate(1, 1, Duration.ofMillis(50));
        assertThat(queued.acquire()).isNull();
        GatewayFailure.Overloaded timedOut = queued.acquire();
        assertThat(timedOut).isNotNull();
        assertThat(timedOut.waited()).isEqualTo(Duration.ofMillis(50));
    }
}
