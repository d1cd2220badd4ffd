package org.tracegate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The ring of finished requests: it grows to MAX, then forgets the oldest; an hour's age forgets them too. */
class RecentRequestsTest {
    private static RecentRequests.Done done(long now, long micros, int status, String script) {
        return new RecentRequests.Done(now, micros, status, 0, script, new UUID(1, micros), null);
    }

    @Test
    void pastMaxTheOldestAreForgottenAndTheNewestKeptInOrder() {
        AtomicLong now = new AtomicLong(10_000_000);
        RecentRequests r = new RecentRequests(now::get);
        int extra = 1000;
        for (int i = 1; i <= RecentRequests.MAX + extra; i++) r.add(done(now.get(), i, i % 100 == 0 ? 500 : 200, "/s" + i % 3), "/u");
        RecentRequests.Window w = r.window(Duration.ofMinutes(5));
        assertThat(w.requests()).isEqualTo(RecentRequests.MAX);
        assertThat(w.errors()).isEqualTo(RecentRequests.MAX / 100);
        // durations extra+1 … MAX+extra remain: the median is in the middle of them
        assertThat(w.p50Millis()).isEqualTo((extra + RecentRequests.MAX / 2) / 1000.0);
        RecentRequests.ScriptStats slowest = r.slowest(Duration.ofMinutes(5), 3).getFirst();
        assertThat(slowest.maxMillis()).isEqualTo((RecentRequests.MAX + extra) / 1000.0);
        assertThat(r.slowest(Duration.ofMinutes(5), 3)).extracting(RecentRequests.ScriptStats::script)
                .containsExactlyInAnyOrder("/s0", "/s1", "/s2");
    }

    @Test
    void anHourOldRequestsAreForgottenAcrossTheRingsWrap() {
        AtomicLong now = new AtomicLong(10_000_000);
        RecentRequests r = new RecentRequests(now::get);
        for (int i = 1; i <= 3000; i++) r.add(done(now.get(), i, 200, "/a"), "/u"); // grows 1024 → 2048 → 4096
        now.addAndGet(Duration.ofMinutes(61).toMillis());
        for (int i = 1; i <= 5; i++) r.add(done(now.get(), 7, 502, "/b"), "/u");
        assertThat(r.window(RecentRequests.HOUR).requests()).isEqualTo(5);
        assertThat(r.window(RecentRequests.HOUR).p99Millis()).isEqualTo(0.007);
        assertThat(r.perMinute(60).getLast()[0]).isEqualTo(5);
        assertThat(r.topFailing(RecentRequests.HOUR, 5)).extracting(RecentRequests.ScriptStats::script).containsExactly("/b");
    }
}
