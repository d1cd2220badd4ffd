package org.tracegate.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceSinkTest {

    @Test
    void aFailingSinkIsReportedWithTheRequestIdAndTheOthersStillRun(@TempDir Path dir) throws Exception {
        AtomicInteger started = new AtomicInteger(), ended = new AtomicInteger();
        TraceSink failing = new TraceSink() {
            @Override public void requestStarted(RequestTrace t) { throw new IllegalStateException("boom at start"); }
            @Override public void requestEnded(RequestTrace t) { throw new IllegalStateException("boom at end"); }
        };
        TraceSink counting = new TraceSink() {
            @Override public void requestStarted(RequestTrace t) { started.incrementAndGet(); }
            @Override public void requestEnded(RequestTrace t) { ended.incrementAndGet(); }
        };
        RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "Tracegate", 1, 1));
        try (ErrorLog errors = ErrorLog.toDirectory(dir)) {
            TraceSink all = TraceSink.all(List.of(failing, counting), errors);
            all.requestStarted(trace);
            all.requestEnded(trace);
        }
        assertThat(started).hasValue(1);
        assertThat(ended).hasValue(1);
        String id = trace.context().requestId();
        assertThat(Files.readAllLines(dir.resolve("error.log")))
                .anySatisfy(l -> assertThat(l).endsWith("[" + id + "] trace sink failed: java.lang.IllegalStateException: boom at start"))
                .anySatisfy(l -> assertThat(l).endsWith("[" + id + "] trace sink failed: java.lang.IllegalStateException: boom at end"));
    }
}
