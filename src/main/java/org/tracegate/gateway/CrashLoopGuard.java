package org.tracegate.gateway;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tracegate.config.CrashLoopPolicy;

/**
 * IIS's rapid-fail protection, for CGI, per program (its real path; the same script under two mappings is one
 * program): {@code failures} failures (502.x) within the window trip it, and the program is not started again
 * for the cooldown; after it, the next request runs it again and counting starts afresh.
 */
public final class CrashLoopGuard {
    private final CrashLoopPolicy policy;
    private final Clock clock;
    private final Map<Path, State> programs = new ConcurrentHashMap<>();

    public CrashLoopGuard(CrashLoopPolicy policy) { this(policy, Clock.systemUTC()); }

    CrashLoopGuard(CrashLoopPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** What {@link #admit} decided. */
    public sealed interface Admission {}

    public record Admitted() implements Admission {}

    /** Admitted, and the first request after a cooldown: the program is tried again. */
    public record Recovered(Path program, long restedSeconds) implements Admission {}

    public record Refused(Refusal.CrashLoop refusal) implements Admission {}

    /** Whether {@code program} may start now. */
    public Admission admit(Path program) {
        if (!policy.enabled()) return new Admitted();
        State s = programs.get(program);
        if (s == null) return new Admitted();
        synchronized (s) {
            if (s.trippedUntil == null) return new Admitted();
            Instant now = clock.instant();
            if (now.isBefore(s.trippedUntil)) {
                return new Refused(new Refusal.CrashLoop(program, policy.failures(), policy.window(), s.trippedUntil,
                        s.lastCause));
            }
            long rested = java.time.Duration.between(s.trippedAt, now).toSeconds();
            s.trippedUntil = null;
            s.trippedAt = null;
            s.failures.clear();
            return new Recovered(program, rested);
        }
    }

    /** The crash loop just tripped: who, how often, and until when. */
    public record Tripped(Path program, int failures, long windowSeconds, Instant until, String lastCause) {}

    /**
     * Counts a failure of {@code program}; returns the trip when this one tripped it, else null.
     *
     * @param cause the failure's cause sentence, quoted to the requests refused meanwhile
     */
    public Tripped failed(Path program, String cause) {
        if (!policy.enabled()) return null;
        State s = programs.computeIfAbsent(program, p -> new State());
        synchronized (s) {
            Instant now = clock.instant();
            s.lastCause = cause;
            if (s.trippedUntil != null) return null; // failures while resting (requests already running) count for nothing
            s.failures.addLast(now);
            Instant horizon = now.minus(policy.window());
            while (!s.failures.isEmpty() && s.failures.peekFirst().isBefore(horizon)) s.failures.removeFirst();
            if (s.failures.size() < policy.failures()) return null;
            s.trippedAt = now;
            s.trippedUntil = now.plus(policy.cooldown());
            return new Tripped(program, s.failures.size(), policy.window().toSeconds(), s.trippedUntil, cause);
        }
    }

    /** Programs resting now, for the operator's view. */
    public int tripped() {
        Instant now = clock.instant();
        int n = 0;
        for (State s : programs.values()) {
            synchronized (s) {
                if (s.trippedUntil != null && now.isBefore(s.trippedUntil)) n++;
            }
        }
        return n;
    }

    private static final class State {
        final Deque<Instant> failures = new ArrayDeque<>();
        Instant trippedAt;
        Instant trippedUntil;
        String lastCause;
    }
}
