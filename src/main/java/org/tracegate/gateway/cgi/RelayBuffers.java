package org.tracegate.gateway.cgi;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Direct buffers for relaying a program's stdout. Direct, because the pipe is read straight into them
 * (FileChannel) and the socket written straight from them: a heap array costs two more copies per chunk
 * (FileInputStream reads through a malloc'd bounce buffer, and NIO writes a heap buffer through a temporary
 * direct one). Pooled, because a direct buffer is expensive to allocate and free per request. The pool is
 * bounded: beyond {@link #KEPT} buffers, extra ones are simply dropped to the GC.
 */
public final class RelayBuffers {
    /** Matches the enlarged stdout pipe (process.LargePipes), so one read can empty it. */
    static final int SIZE = 256 * 1024;
    private static final int KEPT = 32;
    private static final ArrayBlockingQueue<ByteBuffer> FREE = new ArrayBlockingQueue<>(KEPT);

    private RelayBuffers() {}

    public static ByteBuffer take() {
        ByteBuffer b = FREE.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(SIZE);
    }

    /** Only for a buffer no one else still reads: after a failed write the HTTP layer might, so it is dropped. */
    public static void give(ByteBuffer b) {
        FREE.offer(b);
    }
}
