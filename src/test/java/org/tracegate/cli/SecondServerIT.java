package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.admin.RuntimeFiles;
import org.tracegate.admin.ServerLock;
import org.tracegate.cli.Launcher.Launched;
import org.tracegate.e2e.Exec;

/** A second `serve` that cannot start leaves the running server's files and admin endpoint alone. */
class SecondServerIT {
    private final Launcher launcher = new Launcher();
    @TempDir Path logs;

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(Launcher.JAR).as("target/tracegate.jar (run through `mvn verify`)").isRegularFile();
    }

    @AfterEach
    void killServers() throws InterruptedException {
        launcher.close();
    }

    private Launched serve(Path logDir) throws Exception {
        return launcher.start("serve", "--cgi", "/cgi-bin/=src/test/cgi-bin", "--listen", "127.0.0.1:0",
                "--log-dir", logDir.toString());
    }

    @Test
    void aSecondServeOnTheSameLogDirIsRefusedBeforeItBinds() throws Exception {
        Launched first = serve(logs);
        first.awaitListening();
        String token = Files.readString(logs.resolve(RuntimeFiles.TOKEN));
        String runtime = Files.readString(logs.resolve(RuntimeFiles.RUNTIME));
        long pid = first.process().pid();

        Exec.Result second = Launcher.tracegate("serve", "--cgi", "/cgi-bin/=src/test/cgi-bin", "--listen", "127.0.0.1:0",
                "--log-dir", logs.toString());
        assertThat(second.exitCode()).as("%s", second).isEqualTo(1);
        assertThat(second.stdout()).doesNotContain("listening on");
        assertThat(second.stderr().strip()).isEqualTo("tracegate: another Tracegate (pid " + pid + ") is serving with log dir "
                + logs + "; stop it first or use another --log-dir");

        assertThat(Files.readString(logs.resolve(RuntimeFiles.TOKEN))).as("the first server's token").isEqualTo(token);
        assertThat(Files.readString(logs.resolve(RuntimeFiles.RUNTIME))).as("the first server's runtime file").isEqualTo(runtime);
        Exec.Result start = Launcher.tracegate("trace", "start", "--log-dir", logs.toString());
        assertThat(start.exitCode()).as("the first server's admin endpoint answers: %s", start).isZero();
        Exec.Result stop = Launcher.tracegate("trace", "stop", "--log-dir", logs.toString());
        assertThat(stop.exitCode()).as("%s", stop).isZero();
        assertThat(first.process().isAlive()).isTrue();
    }

    @Test
    void theLockFileOfAKilledServerDoesNotBlockTheNext() throws Exception {
        Launched killed = serve(logs);
        killed.awaitListening();
        killed.process().destroyForcibly(); // SIGKILL: no clean stop, the lock file keeps its pid
        assertThat(killed.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(logs.resolve(ServerLock.FILE)).strip()).isEqualTo(String.valueOf(killed.process().pid()));

        Launched next = serve(logs);
        next.awaitListening();
        assertThat(Files.readString(logs.resolve(ServerLock.FILE)).strip()).isEqualTo(String.valueOf(next.process().pid()));
        assertThat(Launcher.tracegate("trace", "start", "--log-dir", logs.toString()).exitCode()).isZero();
    }

    @Test
    void aTakenPortIsOneLineAndWritesNoRuntimeFiles() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Exec.Result r = Launcher.tracegate("serve", "--cgi", "/cgi-bin/=src/test/cgi-bin",
                    "--listen", "127.0.0.1:" + taken.getLocalPort(), "--log-dir", logs.toString());
            assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
            assertThat(r.stderr()).contains("tracegate: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use\n");
            assertThat(r.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(logs.resolve(RuntimeFiles.TOKEN)).doesNotExist();
        assertThat(logs.resolve(RuntimeFiles.RUNTIME)).doesNotExist();
    }
}
