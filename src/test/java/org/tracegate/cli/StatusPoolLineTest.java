package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** `tracegate status`'s line for a FastCGI application, from the summary API's "fastcgi" rows. */
class StatusPoolLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anExternalPoolSaysItsConnectionsAndQueue() throws Exception {
        assertThat(StatusCommand.poolLine(JSON.readTree("""
                {"site":1,"application":"/php/","kind":"external","target":"unix:/run/php/php8.2-fpm.sock","capacity":2,
                 "busy":2,"idle":0,"queue":{"length":3,"capacity":1000},"stoppedUntil":null,"lastFailure":null}""")))
                .isEqualTo("/php/ → unix:/run/php/php8.2-fpm.sock (external): 2 busy, 0 idle of 2; queue 3 of 1000");
    }

    @Test
    void aStoppedManagedPoolOfAnotherSiteSaysUntilWhenAndItsLastFailure() throws Exception {
        assertThat(StatusCommand.poolLine(JSON.readTree("""
                {"site":2,"application":"/app/","kind":"managed","target":"/usr/bin/php-cgi","capacity":4,
                 "busy":0,"idle":0,"queue":{"length":0,"capacity":1000},"stoppedUntil":"2026-12-04T02:10:00Z",
                 "lastFailure":"worker pid 4242 (1 request(s) served) was killed by signal SIGKILL"}""")))
                .isEqualTo("site 2 /app/ → /usr/bin/php-cgi (managed): 0 busy, 0 idle of 4; queue 0 of 1000;"
                        + " stopped by rapid-fail protection until 2026-12-04T02:10:00Z;"
                        + " last failure: worker pid 4242 (1 request(s) served) was killed by signal SIGKILL");
    }

    /** An ESC in the config's command (a TOML escape), quoted again by a failed start, and a CR are escaped. */
    @Test
    void controlCharactersInTheTargetAndLastFailureAreEscaped() throws Exception {
        String line = StatusCommand.poolLine(JSON.readTree("""
                {"site":1,"application":"/app/","kind":"managed","target":"/usr/bin/php\\u001b[2K-cgi","capacity":1,
                 "busy":0,"idle":0,"queue":{"length":0,"capacity":10},"stoppedUntil":null,
                 "lastFailure":"cannot start /usr/bin/php\\u001b[2K-cgi: cannot execute \\"/x\\rforged\\": ENOENT"}"""));
        assertThat(line).doesNotContain("\u001b").doesNotContain("\r")
                .isEqualTo("/app/ → /usr/bin/php\\x1b[2K-cgi (managed): 0 busy, 0 idle of 1; queue 0 of 10;"
                        + " last failure: cannot start /usr/bin/php\\x1b[2K-cgi: cannot execute \"/x\\rforged\": ENOENT");
    }
}
