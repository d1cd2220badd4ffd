package org.tracegate.process;

import static org.tracegate.process.Programs.spec;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A rough benchmark, off by default: mvn test -Dtest=SpawnRateTest -Dtracegate.bench=true */
@EnabledIfSystemProperty(named = "tracegate.bench", matches = "true")
class SpawnRateTest {
    @TempDir Path dir;

    @ParameterizedTest @MethodSource("org.tracegate.process.Programs#launchers")
    void sequentialTrue(ProcessLauncher launcher) throws Exception {
        for (int round = 0; round < 2; round++) { // the first round warms up
            long start = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                ChildProcess c = launcher.launch(spec(dir, "/bin/true"));
                c.onExit().get(5, TimeUnit.SECONDS);
                c.closePipes();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s: 500 launches in %.2f s = %.0f/s%n", launcher.name(), secs, 500 / secs);
        }
    }
}
