package org.tracegate.gateway.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Runs the parser over one input in a given chunking and captures everything observable. */
final class ParserHarness {
    private ParserHarness() {}

    record Outcome(ResponseHead head, InvalidResponseHeadException error, int consumed, byte[] received,
                   int lineCount) {
        /** A comparable summary: equal outcomes have equal keys. */
        String key() {
            String what = head != null ? head.toString() : error == null ? "incomplete"
                    : error.lineNumber() + "|" + error.reason() + "|" + Arrays.toString(error.offendingBytes());
            return what + "|" + consumed + "|" + Arrays.toString(received) + "|" + lineCount;
        }
    }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    static Outcome run(byte[] in, ResponseHeadParser.Limits limits, int chunk) {
        ResponseHeadParser p = new ResponseHeadParser(limits);
        int consumed = 0;
        try {
            for (int off = 0; off < in.length && !p.isComplete(); off += chunk) {
                int n = Math.min(chunk, in.length - off);
                int c = p.feed(in, off, n);
                assertThat(c).isBetween(0, n);
                consumed += c;
                if (c < n) assertThat(p.isComplete()).as("stops early only when complete").isTrue();
            }
        } catch (InvalidResponseHeadException e) {
            return new Outcome(null, e, (int) p.receivedCount(), p.received(), p.lineCount());
        }
        assertThat(p.receivedCount()).isEqualTo(consumed);
        return new Outcome(p.isComplete() ? p.result() : null, null, consumed, p.received(), p.lineCount());
    }

    /** Runs in one piece, byte by byte and in several odd chunk sizes; asserts all agree; returns one. */
    static Outcome runAll(byte[] in, ResponseHeadParser.Limits limits) {
        Outcome whole = run(in, limits, Math.max(1, in.length));
        for (int chunk : new int[] {1, 2, 3, 5, 7, 64}) {
            assertThat(run(in, limits, chunk).key()).as("chunk size %d", chunk).isEqualTo(whole.key());
        }
        return whole;
    }
}
