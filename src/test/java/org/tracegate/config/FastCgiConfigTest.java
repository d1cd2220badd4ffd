package org.tracegate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [[fastcgi]]: docs/configuration.md's keys and defaults, and every mistake named with its line and key. */
class FastCgiConfigTest {
    @TempDir Path dir;
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("www"));
        file = dir.resolve("t.toml");
    }

    @Test
    void anExternalServerGetsTheDefaults() throws Exception {
        FastCgiMapping m = load("""
                [[fastcgi]]
                prefix = "/app/"
                directory = "/srv/elsewhere"
                extension = ".php"
                address = "unix:/run/php/php8.2-fpm.sock"
                """).fastcgi().getFirst();
        assertThat(m.managed()).isFalse();
        assertThat(m.directory()).isEqualTo(Path.of("/srv/elsewhere")); // as the server sees it: not checked
        assertThat(m.pool()).isEqualTo(FastCgiPool.defaults());
        assertThat(m.pool().maxInstances()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(m.pool().queueLength()).isEqualTo(1000);
        assertThat(m.pool().activityTimeout()).isEqualTo(Duration.ofSeconds(70));
        assertThat(m.pool().requestTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aManagedPoolTakesIisKeys() throws Exception {
        FastCgiMapping m = load("""
                [[fastcgi]]
                name = "php"
                directory = "www"
                command = ["/usr/bin/php-cgi", "-n"]
                maxInstances = 3
                instanceMaxRequests = 50
                idleTimeout = 5
                rapidFailsPerMinute = 0
                monitorChangesTo = "www/restart.txt"
                environment = { A = "b" }
                """).fastcgi().getFirst();
        assertThat(m.managed()).isTrue();
        assertThat(m.prefix()).isNull();
        assertThat(m.command()).containsExactly("/usr/bin/php-cgi", "-n");
        assertThat(m.pool().maxInstances()).isEqualTo(3);
        assertThat(m.pool().instanceMaxRequests()).isEqualTo(50);
        assertThat(m.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(m.pool().rapidFailsPerMinute()).isZero();
        assertThat(m.pool().monitorChangesTo()).isEqualTo(dir.resolve("www/restart.txt").toAbsolutePath().normalize());
    }

    @Test
    void everyMistakeIsNamed() throws Exception {
        List<ConfigProblem> problems = problems("""
                [[fastcgi]]
                prefix = "/a/"
                directory = "www"
                address = "unix:/run/php.sock"
                command = ["/usr/bin/php-cgi"]

                [[fastcgi]]
                prefix = "/b/"
                directory = "www"

                [[fastcgi]]
                prefix = "/c/"
                directory = "www"
                address = "unix:/run/php.sock"
                extension = "php"
                instanceMaxRequests = 10
                """);
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::key).containsExactly(
                tuple(1, "fastcgi[0]"),
                tuple(7, "fastcgi[1]"),
                tuple(15, "fastcgi[2].extension"),
                tuple(16, "fastcgi[2].instanceMaxRequests"));
        assertThat(problems.get(0).problem()).contains("not both");
        assertThat(problems.get(1).problem()).contains("missing key 'address'");
        assertThat(problems.get(2).problem()).contains("starting with '.'");
        assertThat(problems.get(3).problem()).contains("applies only to a managed pool");
    }

    @Test
    void sendAheadIsOffByDefaultAndOnlyForAnExternalServer() throws Exception {
        assertThat(FastCgiPool.defaults().sendAhead()).isFalse();
        FastCgiMapping m = load("""
                [[fastcgi]]
                prefix = "/app/"
                directory = "www"
                address = "unix:/run/php/php8.2-fpm.sock"
                sendAhead = true
                """).fastcgi().getFirst();
        assertThat(m.pool().sendAhead()).isTrue();
        List<ConfigProblem> problems = problems("""
                [[fastcgi]]
                prefix = "/a/"
                directory = "www"
                command = ["/usr/bin/php-cgi"]
                sendAhead = true

                [[fastcgi]]
                prefix = "/b/"
                directory = "www"
                address = "unix:/run/php.sock"
                sendAhead = "yes"
                """);
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::key).containsExactly(
                tuple(5, "fastcgi[0].sendAhead"),
                tuple(11, "fastcgi[1].sendAhead"));
        assertThat(problems.get(0).problem()).contains("applies only to an external server");
        assertThat(problems.get(1).problem()).contains("expected true or false");
    }

    @Test
    void requestBufferingIsOnByDefaultForBothKinds() throws Exception {
        assertThat(FastCgiPool.defaults().requestBuffering()).isTrue();
        List<FastCgiMapping> ms = load("""
                [[fastcgi]]
                prefix = "/a/"
                directory = "www"
                address = "unix:/run/php/php8.2-fpm.sock"

                [[fastcgi]]
                prefix = "/b/"
                directory = "www"
                address = "unix:/run/php/php8.2-fpm.sock"
                requestBuffering = false
                """).fastcgi();
        assertThat(ms).extracting(m -> m.pool().requestBuffering()).containsExactly(true, false);
        List<ConfigProblem> problems = problems("""
                [[fastcgi]]
                prefix = "/a/"
                directory = "www"
                address = "unix:/run/php.sock"
                requestBuffering = 1
                """);
        assertThat(problems).extracting(ConfigProblem::line, ConfigProblem::key)
                .containsExactly(tuple(5, "fastcgi[0].requestBuffering"));
        assertThat(problems.getFirst().problem()).contains("expected true or false");
    }

    private ServerConfig load(String toml) throws Exception {
        Files.writeString(file, toml);
        return ConfigLoader.load(file);
    }

    private List<ConfigProblem> problems(String toml) throws Exception {
        Files.writeString(file, toml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("loading:\n%s", toml).isNotNull();
        return e.problems();
    }
}
