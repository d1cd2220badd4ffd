package org.tracegate.accesslog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;

/** Test data and clocks. */
final class Records {
    private Records() {}

    static final Instant T = Instant.parse("2026-03-01T21:07:09.345Z");

    /** Every field set, none needing escapes. */
    static AccessRecord full() {
        return new AccessRecord(T, "10.0.0.4", 8443, "POST", "/cgi-bin/orders.cgi/extra%2Fpath", "id=42&x=%41",
                "jdoe", "2001:db8::7", 51234, "curl/8.5.0", "https://example.test/form", "HTTP/1.1", 502, 2, 32,
                1234, 5678, 30012, "8000002a-0000-f900-b63f-84710c7967bb", "SIGSEGV", "example.test");
    }

    /** Only what a minimal request has; all optional strings null. */
    static AccessRecord bare(Instant time) {
        return new AccessRecord(time, "127.0.0.1", 80, "GET", "/", null, null, "127.0.0.1", 40000, null, null,
                "HTTP/1.1", 200, 0, 0, 0, 0, 1, "8000002a-0000-f900-b63f-84710c7967bb", null, null);
    }

    static AccessRecord withAgent(String userAgent, String referer) {
        AccessRecord f = full();
        return new AccessRecord(f.time(), f.serverIp(), f.serverPort(), f.method(), f.uriStem(), f.uriQuery(),
                f.username(), f.clientIp(), f.clientPort(), userAgent, referer, f.protocol(), f.status(),
                f.subStatus(), f.win32Status(), f.bytesSent(), f.bytesReceived(), f.timeTakenMillis(),
                f.activityId(), f.programExit(), f.host());
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) { this.now = now; }

        @Override public Instant instant() { return now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }
    }

    /** Stalls the writer thread: it asks the clock for every record, so it blocks here until released. */
    static final class StallingClock extends Clock {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Instant instant() {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return T;
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException(); }
    }
}
