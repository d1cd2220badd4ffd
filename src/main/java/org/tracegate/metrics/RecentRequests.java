package org.tracegate.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The finished requests of the last hour, for what Prometheus would compute but the dashboard must show without one:
 * requests/s, error rate, p50/p99 over 5 and 60 minutes, per-minute series for the plots, the top failing and the
 * slowest scripts, and the latest bad gateway of each cause. Bounded: an hour, and at most {@link #MAX} requests.
 *
 * <p>Kept as columns of primitives in a ring, not as an object per request: at thousands of FastCGI requests a
 * second, 200,000 records with their id strings (~45 MB) lived just long enough to reach the old generation and
 * filled the 96 MiB heap, a full collection of 70–90 ms every ~5 s (bench/README.md, "FastCGI (issue 10)"). The
 * columns are allocated as they fill, and a script's path is shared with the previous requests for it.
 */
public final class RecentRequests {
    static final int MAX = 200_000;
    public static final Duration HOUR = Duration.ofMinutes(60);
    private static final int FIRST_CAPACITY = 1024, SCRIPTS_KEPT = 4096;
    private static final BadGatewayCause[] CAUSES = BadGatewayCause.values();

    private final LongSupplier clock;
    // The ring: entry i (0 = oldest) is at (head + i) % capacity.
    private long[] ended = new long[FIRST_CAPACITY];
    private long[] micros = new long[FIRST_CAPACITY];
    private int[] status = new int[FIRST_CAPACITY];     // HTTP status << 16 | substatus
    private byte[] cause = new byte[FIRST_CAPACITY];    // BadGatewayCause ordinal, or -1
    private long[] idHigh = new long[FIRST_CAPACITY], idLow = new long[FIRST_CAPACITY];
    private String[] script = new String[FIRST_CAPACITY];
    private int head, size;
    /** One instance per script path, so the ring holds no string of its own; cleared when it grows too large. */
    private final Map<String, String> scripts = new HashMap<>();
    private final Map<BadGatewayCause, Example> latest = new EnumMap<>(BadGatewayCause.class);
    private final Map<BadGatewayCause, Long> badGateways = new EnumMap<>(BadGatewayCause.class);

    /** One finished request. {@code script}: the program's path, or the URL path when no program ran. */
    public record Done(long endedMillis, long durationMicros, int status, int subStatus, String script, UUID requestId,
                       BadGatewayCause cause) {}

    /** The latest bad gateway of a cause: the request, to link its trace. */
    public record Example(String requestId, String url, long endedMillis, String statusCode) {}

    public record Window(Duration span, long requests, long errors, double perSecond, double errorRate, double p50Millis,
                         double p99Millis) {}

    /** A script over a window: requests, 5xx, and its slowest time. */
    public record ScriptStats(String script, long requests, long failures, double p99Millis, double maxMillis,
                              String exampleRequestId) {}

    public RecentRequests() { this(System::currentTimeMillis); }

    RecentRequests(LongSupplier clock) { this.clock = clock; }

    public synchronized void add(Done d, String url) {
        if (d.cause() != null) {
            latest.put(d.cause(), new Example(d.requestId().toString(), url, d.endedMillis(), d.cause().statusCode()));
            badGateways.merge(d.cause(), 1L, Long::sum);
        }
        trim(d.endedMillis());
        if (size == ended.length) {
            if (size < MAX) grow();
            else drop();
        }
        int i = slot(size++);
        ended[i] = d.endedMillis();
        micros[i] = d.durationMicros();
        status[i] = d.status() << 16 | (d.subStatus() & 0xffff);
        cause[i] = (byte) (d.cause() == null ? -1 : d.cause().ordinal());
        idHigh[i] = d.requestId().getMostSignificantBits();
        idLow[i] = d.requestId().getLeastSignificantBits();
        if (scripts.size() >= SCRIPTS_KEPT) scripts.clear();
        script[i] = scripts.computeIfAbsent(d.script(), k -> k);
    }

    private int slot(int i) { return (head + i) % ended.length; }

    private void drop() {
        script[head] = null;
        head = (head + 1) % ended.length;
        size--;
    }

    /** Doubles the columns (up to MAX), the oldest entry first again. */
    private void grow() {
        int n = Math.min(MAX, ended.length * 2);
        long[] e = new long[n], m = new long[n], h = new long[n], l = new long[n];
        int[] st = new int[n];
        byte[] c = new byte[n];
        String[] sc = new String[n];
        for (int k = 0; k < size; k++) {
            int i = slot(k);
            e[k] = ended[i]; m[k] = micros[i]; st[k] = status[i]; c[k] = cause[i]; h[k] = idHigh[i]; l[k] = idLow[i];
            sc[k] = script[i];
        }
        ended = e; micros = m; status = st; cause = c; idHigh = h; idLow = l; script = sc;
        head = 0;
    }

    private void trim(long now) {
        while (size > 0 && ended[head] < now - HOUR.toMillis()) drop();
    }

    /** The requests of the last {@code span}, newest first, copied out of the ring. */
    private synchronized List<Done> since(Duration span) {
        long now = clock.getAsLong();
        trim(now);
        long from = now - span.toMillis();
        List<Done> out = new ArrayList<>();
        for (int k = size - 1; k >= 0; k--) {
            int i = slot(k);
            if (ended[i] < from) break;
            out.add(new Done(ended[i], micros[i], status[i] >>> 16, status[i] & 0xffff, script[i],
                    new UUID(idHigh[i], idLow[i]), cause[i] < 0 ? null : CAUSES[cause[i]]));
        }
        return out;
    }

    public Window window(Duration span) {
        List<Done> ds = since(span);
        long errors = ds.stream().filter(d -> d.status() >= 500).count();
        long[] micros = ds.stream().mapToLong(Done::durationMicros).sorted().toArray();
        return new Window(span, ds.size(), errors, ds.size() / (double) span.toSeconds(),
                ds.isEmpty() ? 0 : errors / (double) ds.size(), percentile(micros, 0.50) / 1000.0,
                percentile(micros, 0.99) / 1000.0);
    }

    /** Per-minute points over the last {@code minutes}: requests, 5xx and p99 (ms) of each minute, oldest first. */
    public List<long[]> perMinute(int minutes) {
        long now = clock.getAsLong();
        List<Done> ds = since(Duration.ofMinutes(minutes));
        List<List<Long>> buckets = new ArrayList<>();
        long[] errors = new long[minutes];
        for (int i = 0; i < minutes; i++) buckets.add(new ArrayList<>());
        for (Done d : ds) {
            int i = minutes - 1 - (int) ((now - d.endedMillis()) / 60_000);
            if (i < 0 || i >= minutes) continue;
            buckets.get(i).add(d.durationMicros());
            if (d.status() >= 500) errors[i]++;
        }
        List<long[]> out = new ArrayList<>(minutes);
        for (int i = 0; i < minutes; i++) {
            long[] m = buckets.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
            out.add(new long[] {m.length, errors[i], percentile(m, 0.99) / 1000});
        }
        return out;
    }

    /** Scripts with the most 5xx over the window (ties: more requests first). */
    public List<ScriptStats> topFailing(Duration span, int n) {
        return scripts(span).stream().filter(s -> s.failures() > 0)
                .sorted(Comparator.comparingLong(ScriptStats::failures).thenComparingLong(ScriptStats::requests).reversed())
                .limit(n).toList();
    }

    /** Scripts with the highest p99 over the window. */
    public List<ScriptStats> slowest(Duration span, int n) {
        return scripts(span).stream().sorted(Comparator.comparingDouble(ScriptStats::p99Millis).reversed()).limit(n).toList();
    }

    private List<ScriptStats> scripts(Duration span) {
        Map<String, List<Done>> by = new HashMap<>();
        for (Done d : since(span)) by.computeIfAbsent(d.script(), k -> new ArrayList<>()).add(d);
        List<ScriptStats> out = new ArrayList<>(by.size());
        for (var e : by.entrySet()) {
            List<Done> ds = e.getValue(); // newest first
            long[] micros = ds.stream().mapToLong(Done::durationMicros).sorted().toArray();
            Done example = ds.stream().filter(d -> d.status() >= 500).findFirst()
                    .orElse(ds.stream().max(Comparator.comparingLong(Done::durationMicros)).orElseThrow());
            out.add(new ScriptStats(e.getKey(), ds.size(), ds.stream().filter(d -> d.status() >= 500).count(),
                    percentile(micros, 0.99) / 1000.0, micros[micros.length - 1] / 1000.0, example.requestId().toString()));
        }
        return out;
    }

    /** Bad gateways since the start, by cause, and the latest of each. */
    public synchronized Map<BadGatewayCause, Long> badGatewayCounts() { return new EnumMap<>(badGateways); }

    public synchronized Example latest(BadGatewayCause cause) { return latest.get(cause); }

    /** Nearest-rank percentile of sorted values; 0 for none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

}
