package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WatchdogTest {

    @Test
    void aFailingActionIsReportedAndTheWatchdogKeepsFiring() throws Exception {
        List<String> problems = new CopyOnWriteArrayList<>();
        CountDownLatch later = new CountDownLatch(1);
        try (Watchdog w = new Watchdog(problems::add)) {
            w.arm(Duration.ofMillis(1), () -> { throw new IllegalStateException("boom"); });
            w.arm(Duration.ofMillis(200), later::countDown);
            assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(problems).containsExactly("watchdog action failed: java.lang.IllegalStateException: boom");
    }
}
