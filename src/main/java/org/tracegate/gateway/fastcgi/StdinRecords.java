package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * The request body as STDIN records, for the CGI StdinPump: each write becomes records (blocking while the
 * server does not read: back-pressure), close sends the empty record that ends STDIN. Once the request has
 * ended or been aborted, writes fail, so the pump stops sending and only drains the client's body, and no
 * STDIN reaches a connection that may carry the next request.
 */
final class StdinRecords extends OutputStream {
    private final FastCgiConnection connection;
    private final int requestId;
    private final BooleanSupplier stopped;
    private volatile boolean complete;

    StdinRecords(FastCgiConnection connection, int requestId, BooleanSupplier stopped) {
        this.connection = connection;
        this.requestId = requestId;
        this.stopped = stopped;
    }

    @Override
    public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) return;                          // an empty record would end STDIN
        refuseIfStopped();
        connection.writeStream(RecordType.STDIN, requestId, b, off, len);
    }

    @Override
    public void close() throws IOException {
        if (complete) return;
        refuseIfStopped();
        connection.write(ByteBuffer.wrap(RecordEncoder.endOfStream(RecordType.STDIN, requestId)));
        complete = true;
    }

    /** The empty STDIN record has been sent (or went with the PARAMS when there is no body). */
    boolean complete() { return complete; }

    void sentWithParams() { complete = true; }

    private void refuseIfStopped() throws IOException {
        if (stopped.getAsBoolean()) throw new IOException("the FastCGI request has ended");
    }
}
