package org.tracegate.metrics;

import io.micrometer.core.instrument.Timer;
import org.tracegate.process.ChildProcess;
import org.tracegate.process.LaunchException;
import org.tracegate.process.LaunchSpec;
import org.tracegate.process.ProcessLauncher;

/** A launcher that times every spawn ({@code tracegate_program_spawn_duration_seconds}), failed ones included. */
public final class TimedLauncher implements ProcessLauncher {
    private final ProcessLauncher inner;
    private final Timer timer;

    public TimedLauncher(ProcessLauncher inner, Timer timer) {
        this.inner = inner;
        this.timer = timer;
    }

    @Override
    public ChildProcess launch(LaunchSpec spec) throws LaunchException {
        long start = System.nanoTime();
        try {
            return inner.launch(spec);
        } finally {
            timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public String name() { return inner.name(); }
}
