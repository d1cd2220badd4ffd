package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * The request body as STDIN records, for the CGI StdinPump: each write becomes records (blocking while the
 * server does not read: back-pressure), close sends the empty record that ends STDIN. Once the request has
 * ended or been aborted, writes are refused, so the pump stops sending and only drains the client's body,
 * and no STDIN data can reach a connection that may carry the next request.
 */
final class StdinRecords extends OutputStream {
    private final FastCgiConnection connection;
    private final int requestId;
    private final BooleanSupplier stopped;
    /** Some data did not go out: refused after the end, or the write failed. */
    private volatile boolean incomplete;
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
        if (stopped.getAsBoolean()) {
            incomplete = true;
            throw new IOException("the FastCGI request has ended");
        }
        try {
            connection.writeStream(RecordType.STDIN, requestId, b, off, len);
        } catch (IOException e) {
            incomplete = true;
            throw e;
        }
    }

    /**
     * Ends STDIN. After the request ended there is nothing to end: STDIN is complete if all its data went
     * out (the server answered once it had read what it wanted), and no record follows END_REQUEST.
     */
    @Override
    public void close() throws IOException {
        if (complete || incomplete) return;
        if (!stopped.getAsBoolean()) {
            try {
                connection.write(ByteBuffer.wrap(RecordEncoder.endOfStream(RecordType.STDIN, requestId)));
            } catch (IOException e) {
                incomplete = true;
                throw e;
            }
        }
        complete = true;
    }

    /** All of the body went out and STDIN was ended (or the request ended first). */
    boolean complete() { return complete; }

    void sentWithParams() { complete = true; }
}
