package org.tracegate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.admin.ServerLock;

/** `serve` refuses a log dir another server holds, before it opens a log or binds a port. */
class ServeLockTest {

    @Test
    void aHeldLogDirIsRefusedNamingTheHoldersPid(@TempDir Path logs) throws Exception {
        try (ServerLock held = ServerLock.acquire(logs)) {
            StdioCli r = StdioCli.cli("serve", "--cgi", "/x/=.", "--listen", "127.0.0.1:0", "--log-dir", logs.toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("tracegate: another Tracegate (pid " + ProcessHandle.current().pid()
                    + ") is serving with log dir " + logs + "; stop it first or use another --log-dir\n");
        }
        try (Stream<Path> files = Files.list(logs)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("nothing but the lock").containsExactly(ServerLock.FILE);
        }
    }
}
