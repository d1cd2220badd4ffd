package org.tracegate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailedRequestTracingConfigTest {
    @TempDir Path dir;

    private ServerConfig load(String toml) throws Exception {
        Path file = dir.resolve("t.toml");
        Files.writeString(file, toml);
        return ConfigLoader.load(file);
    }

    private void assertError(String toml, int line, String key, String problem) {
        String prefix = dir.resolve("t.toml") + ":" + line + ": key '" + key + "': ";
        assertThatThrownBy(() -> load(toml)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(prefix).hasMessageContaining(problem);
    }

    @Test
    void everyKey() throws Exception {
        ServerConfig c = load("""
                traceDir = "top-traces"
                [failedRequestTracing]
                enabled = true
                directory = "traces"
                maxLogFiles = 7
                maxLogFileSizeKB = 64
                maxBodyKiB = 16
                [[failedRequestTracing.rule]]
                path = "/cgi-bin/*"
                statusCodes = "500-599,404.2"
                timeTakenSeconds = 30
                verbosity = "Warning"
                areas = ["general", "CGI"]
                [[failedRequestTracing.rule]]
                path = "*.php"
                timeTakenSeconds = 0.5
                """);
        FailedRequestTracing f = c.failedRequestTracing();
        assertThat(f.enabled()).isTrue();
        assertThat(f.directory()).isEqualTo(dir.resolve("traces"));
        assertThat(c.failedRequestTraceDirectory()).isEqualTo(dir.resolve("traces"));
        assertThat(f.maxLogFiles()).isEqualTo(7);
        assertThat(f.maxLogFileSizeKB()).isEqualTo(64);
        assertThat(f.maxBodyKiB()).isEqualTo(16);
        assertThat(f.recordBodyBytes()).isEqualTo(16 * 1024);
        assertThat(f.rules()).containsExactly(
                new TraceRule("/cgi-bin/*", List.of(new StatusRange(500, 0, 599, 65_535), new StatusRange(404, 2, 404, 2)),
                        Duration.ofSeconds(30), TraceVerbosity.WARNING, Set.of("General", "CGI")),
                new TraceRule("*.php", List.of(), Duration.ofMillis(500), TraceVerbosity.VERBOSE, Set.copyOf(TraceRule.AREAS)));
        assertThat(f.rules().getFirst().statusCodes()).extracting(Object::toString).containsExactly("500-599", "404.2");
    }

    @Test
    void defaults() throws Exception {
        assertThat(load("").failedRequestTracing()).isEqualTo(FailedRequestTracing.disabled());
        FailedRequestTracing f = load("[[failedRequestTracing.rule]]\nstatusCodes = \"500\"\n").failedRequestTracing();
        assertThat(f.enabled()).as("enabled by having a rule").isTrue();
        assertThat(f.maxLogFiles()).isEqualTo(50);
        assertThat(f.maxLogFileSizeKB()).isEqualTo(1024);
        assertThat(f.maxBodyKiB()).isEqualTo(1024);
        assertThat(FailedRequestTracing.disabled().recordBodyBytes()).as("nothing recorded while tracing is off").isZero();
        assertThat(f.rules().getFirst().path()).isEqualTo("*");
        assertThat(f.rules().getFirst().verbosity()).isEqualTo(TraceVerbosity.VERBOSE);
        assertThat(f.rules().getFirst().areas()).containsExactlyInAnyOrderElementsOf(TraceRule.AREAS);
        assertThat(load("[failedRequestTracing]\nmaxLogFiles = 3\n").failedRequestTracing().enabled()).isFalse();
        assertThat(load("[[failedRequestTracing.rule]]\nstatusCodes = \"500\"\n[failedRequestTracing]\nenabled = false\n")
                .failedRequestTracing().enabled()).isFalse();
    }

    @Test
    void directoryFallsBackToTraceDirThenLogDir() throws Exception {
        assertThat(load("traceDir = \"t\"\nlogDir = \"l\"\n").failedRequestTraceDirectory()).isEqualTo(dir.resolve("t"));
        assertThat(load("logDir = \"l\"\n").failedRequestTraceDirectory()).isEqualTo(dir.resolve("l/traces"));
        Path fallback = load("").failedRequestTraceDirectory();
        assertThat(fallback.isAbsolute()).isTrue();
        assertThat(fallback.getFileName()).hasToString("traces");
    }

    @Test
    void errorsNameFileLineAndKey() {
        assertError("[failedRequestTracing]\nenable = true\n", 2, "failedRequestTracing.enable",
                "unknown key (did you mean 'enabled'?)");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = \"500\"\n\n[[failedRequestTracing.rule]]\nstatusCode = \"500\"\n",
                5, "failedRequestTracing.rule[1].statusCode", "unknown key (did you mean 'statusCodes'?)");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = \"5xx\"\n", 2, "failedRequestTracing.rule[0].statusCodes",
                "\"5xx\" is not a status code");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = \"599-500\"\n", 2,
                "failedRequestTracing.rule[0].statusCodes", "ends before it starts");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = \"500,\"\n", 2,
                "failedRequestTracing.rule[0].statusCodes", "empty item");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = 500\n", 2, "failedRequestTracing.rule[0].statusCodes",
                "expected a string, got 500");
        assertError("[[failedRequestTracing.rule]]\npath = \"*\"\n", 1, "failedRequestTracing.rule[0]",
                "a rule needs statusCodes or timeTakenSeconds");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = \"500\"\nverbosity = \"Loud\"\n", 3,
                "failedRequestTracing.rule[0].verbosity", "expected one of CriticalError, Error, Warning, Information, Verbose");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = \"500\"\nareas = [\"CGI\", \"ASP\"]\n", 3,
                "failedRequestTracing.rule[0].areas[1]", "expected one of General, CGI, FastCGI, got \"ASP\"");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = \"500\"\nareas = []\n", 3,
                "failedRequestTracing.rule[0].areas", "at least one area");
        assertError("[[failedRequestTracing.rule]]\ntimeTakenSeconds = 0\n", 2,
                "failedRequestTracing.rule[0].timeTakenSeconds", "expected a positive number");
        assertError("[failedRequestTracing]\nmaxLogFiles = 0\n", 2, "failedRequestTracing.maxLogFiles",
                "expected a positive integer");
        assertError("[failedRequestTracing]\nmaxLogFileSizeKB = \"1\"\n", 2, "failedRequestTracing.maxLogFileSizeKB",
                "expected a positive integer");
        assertError("[failedRequestTracing]\nmaxBodyKiB = -1\n", 2, "failedRequestTracing.maxBodyKiB",
                "expected a non-negative integer");
        assertError("[failedRequestTracing]\nrule = 1\n", 2, "failedRequestTracing.rule",
                "expected an array of tables ([[failedRequestTracing.rule]])");
        assertError("[limits]\nmaxLogFiles = 3\n", 2, "limits.maxLogFiles", "belongs in [failedRequestTracing]");
        assertError("[[failedRequestTracing.rule]]\nstatusCodes = \"500\"\nmaxLogFiles = 3\n", 3,
                "failedRequestTracing.rule[0].maxLogFiles", "belongs in [failedRequestTracing]");
    }

    @Test
    void verbosityNames() {
        assertThat(TraceVerbosity.parse("CriticalError")).isEqualTo(TraceVerbosity.CRITICAL_ERROR);
        assertThat(TraceVerbosity.parse("critical_error")).isEqualTo(TraceVerbosity.CRITICAL_ERROR);
        assertThat(TraceVerbosity.parse("information")).isEqualTo(TraceVerbosity.INFORMATION);
        assertThat(TraceVerbosity.parse("General")).isNull();
    }

    @Test
    void theCommandLineFlagsRule() throws Exception {
        TraceRule r = TraceRule.forStatusCodes("500-599");
        assertThat(r.path()).isEqualTo("*");
        assertThat(r.statusCodes()).containsExactly(new StatusRange(500, 0, 599, 65_535));
        assertThat(r.timeTaken()).isNull();
        assertThat(FailedRequestTracing.disabled().withRule(r).enabled()).isTrue();
        assertThatThrownBy(() -> TraceRule.forStatusCodes("50x"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--trace-failed \"50x\": \"50x\" is not a status code (expected 100-999, optionally with .substatus, e.g. 404.2)");
    }
}
