package org.tracegate.http;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one error-log line per key (a client address, say) per interval, so a flood cannot flood the log: the
 * line that is let through says how many were held back since the last one.
 */
final class LogThrottle {
    /** {@link #pass} when the line is held back. */
    static final long HELD = -1;

    private final long intervalNanos;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile long lastPurgeNanos;

    private static final class Entry {
        long lastNanos;
        long held;
    }

    LogThrottle(Duration interval) { this.intervalNanos = interval.toNanos(); }

    /**
     * Whether a line for {@code key} may be written now: {@link #HELD} if one was written less than an interval
     * ago (this one is counted), otherwise how many were held back since the last line (0 for the first).
     */
    long pass(String key, long nowNanos) {
        if (entries.size() > 1024 && nowNanos - lastPurgeNanos >= intervalNanos) purge(nowNanos);
        Entry e = entries.computeIfAbsent(key, k -> {
            Entry n = new Entry();
            n.lastNanos = nowNanos - intervalNanos;
            return n;
        });
        synchronized (e) {
            if (nowNanos - e.lastNanos < intervalNanos) {
                e.held++;
                return HELD;
            }
            long held = e.held;
            e.held = 0;
            e.lastNanos = nowNanos;
            return held;
        }
    }

    /** Forgets keys quiet for an interval (their next line passes anyway; a count held back that long is lost). */
    void purge(long nowNanos) {
        lastPurgeNanos = nowNanos;
        entries.entrySet().removeIf(en -> {
            synchronized (en.getValue()) {
                return nowNanos - en.getValue().lastNanos >= intervalNanos;
            }
        });
    }

    int size() { return entries.size(); }
}
