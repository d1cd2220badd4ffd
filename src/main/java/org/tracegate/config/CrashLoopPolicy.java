package org.tracegate.config;

import java.time.Duration;

/**
 * IIS's rapid-fail protection for CGI: a program that fails (502.x) {@code failures} times within
 * {@code window} is not started again for {@code cooldown}; requests meanwhile get 503.3.
 *
 * @param failures  failures that trip it; 0 disables it; default 10
 * @param window    the sliding window they are counted in; default 60 s
 * @param cooldown  how long a tripped program rests; default 30 s
 */
public record CrashLoopPolicy(int failures, Duration window, Duration cooldown) {
    public static CrashLoopPolicy defaults() {
        return new CrashLoopPolicy(10, Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    public boolean enabled() { return failures > 0; }
}
