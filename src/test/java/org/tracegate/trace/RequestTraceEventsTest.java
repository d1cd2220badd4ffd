package org.tracegate.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestTraceEventsTest {
    private final RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "Tracegate", 1, 1));

    @Test
    void allGivesEveryEventOfATypeInOrderAndAnEmptyListWhenThereIsNone() {
        trace.emit(new TraceEvent.FastCgiWaitingForResponse());
        trace.emit(new TraceEvent.CgiCrashLoopTripped("/a", 3, 60, "later", "first"));
        trace.emit(new TraceEvent.FastCgiWaitingForResponse());
        trace.emit(new TraceEvent.CgiCrashLoopTripped("/a", 4, 60, "later", "second"));

        assertThat(trace.all(TraceEvent.CgiCrashLoopTripped.class))
                .extracting(TraceEvent.CgiCrashLoopTripped::lastCause).containsExactly("first", "second");
        assertThat(trace.all(TraceEvent.CgiExit.class)).isEmpty();
    }

    @Test
    void eventsAreStampedInOrderOnTheWallClock() {
        long before = System.currentTimeMillis() * 1000;
        for (int i = 0; i < 50; i++) trace.emit(new TraceEvent.FastCgiWaitingForResponse());
        long after = System.currentTimeMillis() * 1000 + 1000;

        List<TraceRecord> records = trace.records();
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).epochMicros()).isGreaterThanOrEqualTo(records.get(i - 1).epochMicros());
        }
        assertThat(records.getFirst().epochMicros()).isBetween(before - 1000, after);
        assertThat(records.getLast().epochMicros()).isBetween(before - 1000, after);
    }
}
