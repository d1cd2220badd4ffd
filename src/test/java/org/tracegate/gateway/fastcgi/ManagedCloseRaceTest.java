package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.config.ProgramLimits;
import org.tracegate.gateway.ProgramPolicy;
import org.tracegate.http.TempDirectories;
import org.tracegate.process.ChildProcess;
import org.tracegate.process.LaunchException;
import org.tracegate.process.LaunchSpec;
import org.tracegate.process.ProcessLauncher;

/**
 * A process started for a request while the pool closes (the server stopping): the request is refused as the
 * shutdown it is (503 SHUTTING_DOWN), not as an application that cannot be reached (502.3); the process is ended
 * and the pool's private socket directory is gone.
 */
class ManagedCloseRaceTest {
    @Test
    void aStartThatRacesCloseIsRefusedAsClosedAndLeavesNothing() throws Exception {
        Path dir = PhpScripts.directory("tracegate-closerace-");
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicReference<ManagedPool> pool = new AtomicReference<>();
        AtomicReference<ChildProcess> launched = new AtomicReference<>();
        ProcessLauncher real = ProcessLauncher.platformDefault();
        ProcessLauncher closingMeanwhile = new ProcessLauncher() {
            @Override
            public ChildProcess launch(LaunchSpec spec) throws LaunchException {
                ChildProcess p = real.launch(spec);
                launched.set(p);
                Thread closer = Thread.ofPlatform().start(() -> pool.get().close());
                try {
                    closer.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return p;
            }

            @Override
            public String name() { return real.name(); }
        };
        FastCgiMapping m = new FastCgiMapping("/app/", dir, null, null, List.of("/bin/sleep", "30"), FastCgiPool.defaults(),
                EnvironmentPolicy.defaults());
        try {
            pool.set(new ManagedPool(m, closingMeanwhile, ProgramPolicy.asServer(ProgramLimits.defaults()), Map.of(),
                    (requestId, line) -> log.add(line), Duration.ofSeconds(1), Duration.ofSeconds(1)));
            FastCgiUnavailable refused = catchThrowableOfType(FastCgiUnavailable.class,
                    () -> pool.get().lease(Duration.ofSeconds(1)));
            assertThat(refused.reason()).isEqualTo(new FastCgiUnavailable.Closed());
            assertThat(launched.get().onExit().get(5, TimeUnit.SECONDS)).as("ended").isNotNull();
            assertThat(pool.get().socketDirectory()).doesNotExist();
            assertThat(pool.get().occupancy().lastFailure()).as("no failure counted").isNull();
            assertThat(log).as("nothing said of a failure").noneMatch(l -> l.contains("unexpectedly") || l.contains("cannot"));
        } finally {
            TempDirectories.delete(dir);
        }
    }
}
