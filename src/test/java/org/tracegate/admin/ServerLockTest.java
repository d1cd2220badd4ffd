package org.tracegate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLockTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir Path dir;

    @Test
    void theHolderWritesItsPidAndASecondAcquireIsRefused() throws Exception {
        try (ServerLock first = ServerLock.acquire(dir)) {
            assertThat(Files.readString(dir.resolve(ServerLock.FILE))).isEqualTo(PID + "\n");
            ServerLock.AlreadyServing refused = catchThrowableOfType(ServerLock.AlreadyServing.class, () -> ServerLock.acquire(dir));
            assertThat(refused.pid()).isEqualTo(PID);
            assertThat(refused).hasMessage("another Tracegate (pid " + PID + ") is serving with log dir " + dir
                    + "; stop it first or use another --log-dir");
            assertThat(Files.readString(dir.resolve(ServerLock.FILE))).as("the holder's pid is kept").isEqualTo(PID + "\n");
        }
    }

    @Test
    void aReleasedLockCanBeTakenAgain() throws Exception {
        ServerLock.acquire(dir).close();
        assertThat(dir.resolve(ServerLock.FILE)).isEmptyFile();
        try (ServerLock again = ServerLock.acquire(dir)) {
            assertThat(Files.readString(dir.resolve(ServerLock.FILE))).isEqualTo(PID + "\n");
        }
    }

    @Test
    void aStaleLockFileOfADeadServerDoesNotBlock() throws Exception {
        Files.writeString(dir.resolve(ServerLock.FILE), "4194303\n"); // left by a killed server: no lock is held on it
        try (ServerLock lock = ServerLock.acquire(dir)) {
            assertThat(Files.readString(dir.resolve(ServerLock.FILE))).isEqualTo(PID + "\n");
        }
    }
}
