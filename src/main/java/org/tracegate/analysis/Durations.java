package org.tracegate.analysis;

import java.time.Duration;

/** Durations in the units a person would say: "6 min 40 s", "250 ms", "1 h 5 min". */
public final class Durations {
    private Durations() {}

    public static String human(Duration d) {
        if (d.isNegative()) return "-" + human(d.negated());
        long ms = d.toMillis();
        if (d.isZero()) return "0 s";
        if (ms == 0) return d.toNanos() / 1_000 + " µs";
        if (ms < 1_000) return ms + " ms";
        if (ms < 60_000) {
            return ms % 1_000 == 0 ? ms / 1_000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1_000.0);
        }
        long s = d.toSeconds();
        if (s < 3_600) return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        if (s < 86_400) return s / 3_600 + " h" + (s % 3_600 / 60 == 0 ? "" : " " + s % 3_600 / 60 + " min");
        return s / 86_400 + " d" + (s % 86_400 / 3_600 == 0 ? "" : " " + s % 86_400 / 3_600 + " h");
    }

    /** 105906875 → "105,906,875". */
    public static String bytes(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
