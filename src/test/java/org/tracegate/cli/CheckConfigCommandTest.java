package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config: exit 0 and the resolved site for a good file, exit 2 and every problem for a bad one. */
class CheckConfigCommandTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            return new Result(Main.run(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void anExamplePrintsWhichUrlGoesWhere() {
        Result r = run("check-config", "--config", "examples/dokuwiki.toml");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("examples/dokuwiki.toml: valid", "/dokuwiki/data/", "denied (403.8)",
                "/dokuwiki/*", "[alias[0]] serves /usr/share/dokuwiki; index doku.php; follows symlinks",
                "*.php", "/usr/bin/php-cgi SCRIPT", "programs under /dokuwiki/ run as www-data");
    }

    @Test
    void aBadFileIsExit2WithEveryProblem(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("bad.toml"), "[[alias]]\nprefix = \"nope\"\n[[deny]]\nglob = \"x\"\n"
                + "[[interpreter]]\nextension = \".php\"\nfastcgi = \"missing\"\n");
        Result r = run("check-config", "--config", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("bad.toml:2: key 'alias[0].prefix'", "key 'alias[0].directory': missing",
                "key 'deny[0].glob': expected a glob starting with '/'", "key 'interpreter[0].fastcgi': no [[fastcgi]] has name = \"missing\"");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMissingInterpreterIsAWarningNotAnError(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("w.toml"), "[[interpreter]]\nextension = \".php\"\ncommand = [\"/nonexistent/php-cgi\"]\n");
        Result r = run("check-config", "--config", f.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("warning: the interpreter /nonexistent/php-cgi for *.php is not an executable file here");
    }
}
