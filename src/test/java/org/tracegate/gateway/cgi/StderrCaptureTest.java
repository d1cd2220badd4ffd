package org.tracegate.gateway.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A managed FastCGI process outlives its requests, so a line of its stderr is the request's that was served when the
 * line began: a line without its newline yet ("warn: x", the newline only in the next request) is not the next one's.
 */
class StderrCaptureTest {
    /** Hands out its chunks one read at a time, and says which read it is on. */
    static final class Chunks extends InputStream {
        private final List<byte[]> chunks;
        int read;

        Chunks(String... parts) {
            chunks = new ArrayList<>();
            for (String p : parts) chunks.add(p.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int read() { throw new UnsupportedOperationException(); }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read == chunks.size()) return -1;
            byte[] c = chunks.get(read++);
            System.arraycopy(c, 0, b, off, c.length);
            return c.length;
        }
    }

    @Test
    void eachLineIsOwnedByWhenItBegan() {
        // Read 1 happens "during request A", read 2 "during request B".
        Chunks in = new Chunks("a1\nwarn: x", " (the newline comes later)\nb1\n");
        String[] owner = new String[1];
        List<String> owned = new ArrayList<>();
        new StderrCapture().drain(in, () -> owner[0] = in.read == 1 ? "A" : "B", line -> owned.add(owner[0] + ": " + line));
        assertThat(owned).containsExactly("A: a1", "A: warn: x (the newline comes later)", "B: b1");
    }
}
