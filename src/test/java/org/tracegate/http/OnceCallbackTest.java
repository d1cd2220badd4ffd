package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.trace.ErrorLog;

class OnceCallbackTest {
    @Test
    void aSecondCompletionNeverReachesJettyAndIsLogged(@TempDir Path logs) throws Exception {
        AtomicInteger completions = new AtomicInteger();
        Callback jetty = Callback.from(completions::incrementAndGet, x -> completions.incrementAndGet());
        try (ErrorLog log = ErrorLog.toDirectory(logs)) {
            OnceCallback once = new OnceCallback(jetty, log, "req-1");
            once.succeeded();
            once.failed(new RuntimeException("late"));
            once.succeeded();
            assertThat(once.isDone()).isTrue();
        }
        assertThat(completions).hasValue(1);
        assertThat(Files.readString(logs.resolve("error.log"))).contains("[req-1] internal error: the request was completed twice")
                .contains("late");
    }
}
