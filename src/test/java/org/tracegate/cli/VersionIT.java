package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.VersionTest;
import org.tracegate.e2e.Exec;

/** One version string: the pom's, in `--version`, the jar manifest and SERVER_SOFTWARE alike. */
class VersionIT {
    private final Launcher launcher = new Launcher();

    @AfterEach
    void killServers() throws InterruptedException {
        launcher.close();
    }

    @Test
    void thePomVersionIsInVersionTheManifestAndServerSoftware(@TempDir Path logs) throws Exception {
        String version = VersionTest.pomVersion();

        Exec.Result printed = Launcher.tracegate("--version");
        assertThat(printed.exitCode()).as("%s", printed).isZero();
        assertThat(printed.stdout().strip()).isEqualTo("tracegate " + version);

        try (JarFile jar = new JarFile(Launcher.JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Implementation-Version")).isEqualTo(version);
        }

        Launcher.Launched server = launcher.start("serve", "--cgi", "/cgi-bin/=src/test/cgi-bin", "--listen", "127.0.0.1:0",
                "--log-dir", logs.toString());
        int port = server.awaitListening();
        HttpResponse<String> env = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/cgi-bin/env.sh")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(env.body().lines()).contains("env-SERVER_SOFTWARE=Tracegate/" + version);
    }
}
