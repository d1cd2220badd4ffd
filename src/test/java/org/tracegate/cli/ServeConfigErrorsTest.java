package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration stops `serve` before anything listens, naming the file, line and key. */
class ServeConfigErrorsTest {

    static Result run(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    record Result(int code, String err) {}

    @Test
    void unknownKeyNamesFileLineAndKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.toml");
        Files.writeString(f, "listen = [\"127.0.0.1:0\"]\n[limits]\nheaderTimout = 5\n");
        Result r = run("serve", "--config", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(f + ":3").contains("limits.headerTimout").contains("headerTimeoutSeconds");
    }

    @Test
    void wrongTypeAndMissingDirectory(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.toml");
        Files.writeString(f, "[[cgi]]\nprefix = \"/cgi-bin/\"\ndirectory = \"nope\"\n");
        Result r = run("serve", "--config", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(f + ":3").contains("cgi[0].directory");
    }

    @Test
    void badFlagsNameTheFlag() {
        Result listen = run("serve", "--cgi", "/x/=.", "--listen", "nonsense");
        assertThat(listen.code()).isEqualTo(2);
        assertThat(listen.err()).contains("--listen");
        Result cgi = run("serve", "--cgi", "/x/=/no/such/dir");
        assertThat(cgi.code()).isEqualTo(2);
        assertThat(cgi.err()).contains("--cgi").contains("/no/such/dir");
        Result timeout = run("serve", "--cgi", "/x/=.", "--header-timeout", "-1");
        assertThat(timeout.code()).isEqualTo(2);
        assertThat(timeout.err()).contains("--header-timeout");
        Result unknown = run("serve", "--frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--frobnicate");
    }

    @Test
    void everyMistakeInTheFileIsALineOfItsOwn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.toml");
        Files.writeString(f, "listen = [\"nonsense\"]\n[limits]\nmaxConcurrent = 0\nqueueSze = 1\n");
        Result r = run("serve", "--config", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("tracegate: " + f + ":"));
        assertThat(r.err().lines().toList().get(0)).startsWith("tracegate: " + f + ":1: key 'listen[0]': invalid address");
        assertThat(r.err().lines().toList().get(1)).isEqualTo("tracegate: " + f + ":3: key 'limits.maxConcurrent': expected a positive integer, got 0");
        assertThat(r.err().lines().toList().get(2)).startsWith("tracegate: " + f + ":4: key 'limits.queueSze': unknown key");
    }

    @Test
    void aLogDirThatCannotBeADirectoryIsOneLine(@TempDir Path dir) throws Exception {
        Result proc = run("serve", "--cgi", "/x/=.", "--listen", "127.0.0.1:0", "--log-dir", "/proc/nope");
        assertThat(proc.code()).isEqualTo(2);
        assertThat(proc.err()).isEqualTo("tracegate: --log-dir /proc/nope: cannot create the directory: no such file or directory\n");

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Result regular = run("serve", "--cgi", "/x/=.", "--listen", "127.0.0.1:0", "--log-dir", file.toString());
        assertThat(regular.code()).isEqualTo(2);
        assertThat(regular.err()).isEqualTo("tracegate: --log-dir " + file + ": cannot create the directory: it exists and is not a directory\n");
    }

    @Test
    void aTraceDirThatCannotBeADirectoryIsOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Result r = run("serve", "--cgi", "/x/=.", "--listen", "127.0.0.1:0", "--log-dir", dir.resolve("logs").toString(),
                "--trace-dir", file.resolve("traces").toString(), "--trace-failed", "500-599");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tracegate: --trace-dir " + file.resolve("traces") + ": cannot create the directory: "
                + file + " exists and is not a directory\n");
    }

    @Test
    void aLogDirFromTheConfigFileNamesTheKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.toml");
        Files.writeString(f, "logDir = \"/proc/nope\"\n[[cgi]]\nprefix = \"/x/\"\ndirectory = \".\"\n");
        Result r = run("serve", "--config", f.toString(), "--listen", "127.0.0.1:0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tracegate: " + f + ": key 'logDir': /proc/nope: cannot create the directory: no such file or directory\n");
    }
}
