package org.tracegate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file with several mistakes reports every one of them, each with its line and key, in line order. */
class ConfigProblemsTest {
    @TempDir Path dir;
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("cgi-bin"));
        file = dir.resolve("t.toml");
    }

    @Test
    void fourMistakesInFourTablesAreFourProblems() throws Exception {
        List<ConfigProblem> problems = problems("""
                listen = ["127.0.0.1:99999"]

                [limits]
                headerTimeoutSeconds = 5
                maxConcurrent = 0

                [[cgi]]
                prefix = "cgi-bin"
                directory = "cgi-bin"

                [failedRequestTracing]
                [[failedRequestTracing.rule]]
                statusCodes = "500-599"
                verbosity = "Chatty"
                """);
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::key).containsExactly(
                tuple(1, "listen[0]"),
                tuple(5, "limits.maxConcurrent"),
                tuple(8, "cgi[0].prefix"),
                tuple(14, "failedRequestTracing.rule[0].verbosity"));
        assertThat(problems).allSatisfy(p -> assertThat(p.file()).isEqualTo(file));
        assertThat(problems.get(0).problem()).contains("the port must be a number from 0 to 65535");
        assertThat(problems.get(1).problem()).isEqualTo("expected a positive integer, got 0");
        assertThat(problems.get(2).problem()).contains("starting and ending with '/'");
        assertThat(problems.get(3).problem()).contains("got \"Chatty\"");
    }

    @Test
    void theMessageIsOneLinePerProblemInTheUsualFormat() throws Exception {
        ConfigException e = failure("[limits]\nmaxConcurrent = 0\nqueueSize = -1\nbogus = 1\n");
        assertThat(e.getMessage().lines()).containsExactly(
                file + ":2: key 'limits.maxConcurrent': expected a positive integer, got 0",
                file + ":3: key 'limits.queueSize': expected a non-negative integer, got -1",
                file + ":4: key 'limits.bogus': unknown key");
    }

    @Test
    void everyBadElementOfAnArrayIsNamed() throws Exception {
        assertThat(problems("listen = [\"127.0.0.1:1\", \"nonsense\", \"127.0.0.1:1\"]\n"))
                .extracting(ConfigProblem::key).containsExactly("listen[1]", "listen[2]");
        assertThat(problems("[environment]\ninherit = [1, \"PATH\", true]\n"))
                .extracting(ConfigProblem::key).containsExactly("environment.inherit[0]", "environment.inherit[2]");
        assertThat(problems("""
                [[interpreter]]
                extension = ".php"
                command = "/usr/bin/php-cgi"
                verbs = ["GET", "NOT A VERB", "B@D"]
                """)).extracting(ConfigProblem::key).containsExactly("interpreter[0].verbs[1]", "interpreter[0].verbs[2]");
    }

    @Test
    void everyBadTableOfAnArrayIsReadOnItsOwn() throws Exception {
        List<ConfigProblem> problems = problems("""
                [[cgi]]
                prefix = "/a/"
                directory = "nope"

                [[cgi]]
                prefix = "/a/"
                directory = "cgi-bin"
                passAuthorization = "yes"
                """);
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::key).containsExactly(
                tuple(3, "cgi[0].directory"),
                tuple(6, "cgi[1].prefix"),
                tuple(8, "cgi[1].passAuthorization"));
        assertThat(problems.get(1).problem()).contains("duplicate prefix \"/a/\" (already mapped by cgi[0] at line 2)");
    }

    @Test
    void aWrongValueIsNotAlsoReportedAsAMissingOne() throws Exception {
        assertThat(problems("[[cgi]]\nprefix = 5\ndirectory = \"cgi-bin\"\n")).extracting(ConfigProblem::toString)
                .containsExactly(file + ":2: key 'cgi[0].prefix': expected a string, got 5");
        // A rule's statusCodes that cannot be read is not also "a rule needs statusCodes or timeTakenSeconds".
        assertThat(problems("[[failedRequestTracing.rule]]\nstatusCodes = \"abc\"\n")).extracting(ConfigProblem::key)
                .containsExactly("failedRequestTracing.rule[0].statusCodes");
    }

    @Test
    void aSyntaxErrorIsTheOnlyProblem() throws Exception {
        List<ConfigProblem> problems = problems("bogus = 1\n[limits]\nmaxConcurrent = 0\nqueueSize = = 2\n");
        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst().line()).isEqualTo(4);
        assertThat(problems.getFirst().problem()).startsWith("TOML syntax error: ");
    }

    @Test
    void aGoodFileStillLoads() throws Exception {
        Files.writeString(file, "[limits]\nmaxConcurrent = 3\n[[cgi]]\nprefix = \"/a/\"\ndirectory = \"cgi-bin\"\n");
        ServerConfig c = ConfigLoader.load(file);
        assertThat(c.limits().maxConcurrent()).isEqualTo(3);
        assertThat(c.cgi()).extracting(CgiMapping::prefix).containsExactly("/a/");
    }

    private List<ConfigProblem> problems(String toml) throws Exception {
        return failure(toml).problems();
    }

    private ConfigException failure(String toml) throws Exception {
        Files.writeString(file, toml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("loading:\n%s", toml).isNotNull();
        return e;
    }
}
