package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tracegate.e2e.Exec;
import org.tracegate.http.TempDirectories;

/**
 * Who programs run as, through the real `serve`: a root server runs them as nobody and says so at start; root
 * programs need `user = "root"` and `allowRootPrograms = true` (and are warned about at every start); a server
 * started by another user runs them as itself; SIGHUP is logged and ignored, never fatal.
 */
class ProgramUserIT {
    private final Launcher launcher = new Launcher();
    private Path dir;
    private Path cgi;

    @BeforeEach
    void programs() throws Exception {
        dir = Files.createTempDirectory("tracegate-users-");
        cgi = Files.createDirectory(dir.resolve("cgi"));
        for (Path d : List.of(dir, cgi)) Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path whoami = cgi.resolve("whoami.sh");
        Files.writeString(whoami, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'; id -u\n");
        Files.setPosixFilePermissions(whoami, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() throws Exception {
        launcher.close();
        TempDirectories.delete(dir);
    }

    private List<String> serve(Path config, Path logs) {
        List<String> args = new ArrayList<>(List.of("serve", "--listen", "127.0.0.1:0", "--log-dir", logs.toString()));
        if (config != null) args.addAll(List.of("--config", config.toString()));
        else args.addAll(List.of("--cgi", "/cgi-bin/=" + cgi));
        return args;
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body().strip();
    }

    @Test
    void aRootServerRunsProgramsAsNobodyAndSaysSo() throws Exception {
        var l = launcher.start(serve(null, dir.resolve("logs")).toArray(String[]::new));
        int port = l.awaitListening();
        assertThat(get(port, "/cgi-bin/whoami.sh")).isEqualTo("65534");
        l.process().destroy();
        l.finish();
        assertThat(l.stdoutSoFar()).contains("programs run as nobody:nogroup (uid 65534, gid 65534");
    }

    @Test
    void rootProgramsNeedTheOperatorToInsistTwice() throws Exception {
        Path once = Files.writeString(dir.resolve("once.toml"), "user = \"root\"\n[[cgi]]\nprefix = \"/cgi-bin/\"\n"
                + "directory = \"" + cgi + "\"\n");
        Exec.Result refused = Launcher.tracegate(serve(once, dir.resolve("logs1")).toArray(String[]::new));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("once.toml:1: key 'user': \"root\" is refused: programs never run as root "
                + "unless allowRootPrograms = true is set as well");

        Path twice = Files.writeString(dir.resolve("twice.toml"), "user = \"root\"\nallowRootPrograms = true\n"
                + "[[cgi]]\nprefix = \"/cgi-bin/\"\ndirectory = \"" + cgi + "\"\n");
        var l = launcher.start(serve(twice, dir.resolve("logs2")).toArray(String[]::new));
        int port = l.awaitListening();
        assertThat(get(port, "/cgi-bin/whoami.sh")).isEqualTo("0");
        l.process().destroy();
        l.finish();
        assertThat(l.stdoutSoFar()).contains("WARNING: programs run as root");
    }

    @Test
    void aServerStartedByAnotherUserRunsProgramsAsItself() throws Exception {
        Path logs = Files.createDirectory(dir.resolve("nobody-logs"));
        Files.setOwner(logs, logs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "nobody", "--",
                Path.of(Launcher.JAVA_HOME, "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-jar", Launcher.JAR.toString()));
        cmd.addAll(serve(null, logs));
        var l = launcher.launch(cmd);
        int port = l.awaitListening();
        assertThat(get(port, "/cgi-bin/whoami.sh")).isEqualTo("65534");
        l.process().destroy();
        l.finish();
        assertThat(l.stdoutSoFar()).contains("programs run as the server's own user, uid 65534 (it is not root)");
    }

    @Test
    void sighupIsLoggedAndIgnoredNeverFatal() throws Exception {
        Path logs = dir.resolve("hup-logs");
        var l = launcher.start(serve(null, logs).toArray(String[]::new));
        int port = l.awaitListening();
        Exec.Result hup = Exec.run(dir, java.util.Map.of(), java.time.Duration.ofSeconds(10),
                List.of("kill", "-HUP", Long.toString(l.process().pid())));
        assertThat(hup.exitCode()).isZero();
        Thread.sleep(500);
        assertThat(l.process().isAlive()).as("still running after SIGHUP").isTrue();
        assertThat(get(port, "/cgi-bin/whoami.sh")).isEqualTo("65534");
        assertThat(Files.readString(logs.resolve("error.log"))).contains("SIGHUP received");
        l.process().destroy();
        assertThat(l.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(l.process().exitValue()).isZero();
    }
}
