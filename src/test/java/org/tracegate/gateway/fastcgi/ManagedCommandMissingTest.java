package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.http.TempDirectories;
import org.tracegate.http.TestServer;

/**
 * docs/fastcgi.md, "What the operator sees": a managed pool whose command cannot be started is 502.3 with exec's
 * errno, and the advice is about the command, not about a FastCGI server's socket.
 */
class ManagedCommandMissingTest {
    @Test
    void aCommandThatCannotBeStartedIs502_3WithAdviceAboutTheCommand() throws Exception {
        Path dir = PhpScripts.directory("tracegate-nocommand-");
        PhpScripts.script(dir, "hello.php", "<?php echo 'hi';");
        FastCgiMapping m = new FastCgiMapping("/php/", dir, ".php", null, List.of("/usr/bin/php-cgi-nope"),
                FastCgiPool.defaults(), EnvironmentPolicy.defaults());
        try (TestServer ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(m)).build())) {
            HttpResponse<String> r = ts.send(ts.request("/php/hello.php").header("Accept", "application/json"));
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("\"statusCode\":\"502.3\"").contains("\"errorCode\":\"ENOENT\"")
                    .contains("cannot execute \\\"/usr/bin/php-cgi-nope\\\"")
                    .contains("No such file: check the command's path in [[fastcgi]]").doesNotContain("No socket at that path");
        } finally {
            TempDirectories.delete(dir);
        }
    }
}
