package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.gateway.cgi.ResponseSink;

/**
 * The gateway's sink, except that closing the body channel ends the response only when the request ended
 * with END_REQUEST (REQUEST_COMPLETE). BodyRelay ends a response cleanly when its channel reaches EOF, which
 * for a pipe is the program's end; for FastCGI, STDOUT also stops when a worker is killed, and such a
 * truncated body must stay open for the gateway to abort, not be completed with a final chunk.
 */
final class EndGatedSink implements ResponseSink {
    private final ResponseSink sink;
    private final BooleanSupplier endedCleanly;

    EndGatedSink(ResponseSink sink, BooleanSupplier endedCleanly) {
        this.sink = sink;
        this.endedCleanly = endedCleanly;
    }

    @Override
    public WritableByteChannel begin(int status, String reason, List<ResponseHead.Header> headers) throws IOException {
        WritableByteChannel to = sink.begin(status, reason, headers);
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException { return to.write(src); }

            @Override
            public boolean isOpen() { return to.isOpen(); }

            @Override
            public void close() throws IOException {
                if (endedCleanly.getAsBoolean()) to.close();
            }
        };
    }

    @Override
    public WritableByteChannel beginRaw() throws IOException { return sink.beginRaw(); }

    @Override
    public void onClientGone(Runnable action) { sink.onClientGone(action); }
}
