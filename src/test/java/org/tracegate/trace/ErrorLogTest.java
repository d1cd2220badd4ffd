package org.tracegate.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** error.log rolls like the access log (daily in UTC and by size) and is not readable by others. */
class ErrorLogTest {
    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        final AtomicReference<Instant> now;

        MovableClock(Instant start) { now = new AtomicReference<>(start); }

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    }

    @Test
    void rollsAtMidnightUtcAndBySizeKeepingErrorLogTheCurrentFile(@TempDir Path dir) throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-01T23:59:59Z"));
        try (ErrorLog log = ErrorLog.toDirectory(dir, 200, clock)) {
            log.log("a", "first day");
            Thread.sleep(200);
            clock.now.set(Instant.parse("2026-12-02T00:00:01Z"));
            log.log("b", "second day, line one " + "x".repeat(100));
            log.log("c", "second day, line two " + "y".repeat(100)); // past 200 bytes: a size roll
        }
        assertThat(Files.readString(dir.resolve("error-20261201.log"))).contains("first day").doesNotContain("second day");
        assertThat(Files.readString(dir.resolve("error-20261202.log"))).contains("line one").doesNotContain("line two");
        assertThat(Files.readString(dir.resolve("error.log"))).contains("line two").doesNotContain("line one");
        assertThat(Files.getPosixFilePermissions(dir.resolve("error.log")))
                .isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }

    @Test
    void anExistingWorldReadableErrorLogIsNarrowed(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("error.log"), "");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (ErrorLog log = ErrorLog.toDirectory(dir)) {
            log.log(null, "hello");
        }
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    }
}
