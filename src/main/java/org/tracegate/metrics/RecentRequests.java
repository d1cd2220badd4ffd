package org.tracegate.metrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The finished requests of the last hour, for what Prometheus would compute but the dashboard must show without one:
 * requests/s, error rate, p50/p99 over 5 and 60 minutes, per-minute series for the plots, the top failing and the
 * slowest scripts, and the latest bad gateway of each cause. Bounded: an hour, and at most {@link #MAX} requests.
 */
public final class RecentRequests {
    static final int MAX = 200_000;
    public static final Duration HOUR = Duration.ofMinutes(60);

    private final LongSupplier clock;
    private final Deque<Done> done = new ArrayDeque<>();
    private final Map<BadGatewayCause, Example> latest = new EnumMap<>(BadGatewayCause.class);
    private final Map<BadGatewayCause, Long> badGateways = new EnumMap<>(BadGatewayCause.class);

    /** One finished request. {@code script}: the program's path, or the URL path when no program ran. */
    public record Done(long endedMillis, long durationMicros, int status, int subStatus, String script, String requestId,
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
        done.addLast(d);
        if (d.cause() != null) {
            latest.put(d.cause(), new Example(d.requestId(), url, d.endedMillis(), d.cause().statusCode()));
            badGateways.merge(d.cause(), 1L, Long::sum);
        }
        trim(d.endedMillis());
    }

    private void trim(long now) {
        while (!done.isEmpty() && (done.size() > MAX || done.peekFirst().endedMillis() < now - HOUR.toMillis())) {
            done.pollFirst();
        }
    }

    private synchronized List<Done> since(Duration span) {
        long now = clock.getAsLong();
        trim(now);
        long from = now - span.toMillis();
        List<Done> out = new ArrayList<>();
        for (var it = done.descendingIterator(); it.hasNext(); ) {
            Done d = it.next();
            if (d.endedMillis() < from) break;
            out.add(d);
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
                    percentile(micros, 0.99) / 1000.0, micros[micros.length - 1] / 1000.0, example.requestId()));
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
