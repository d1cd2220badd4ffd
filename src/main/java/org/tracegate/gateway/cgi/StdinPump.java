package org.tracegate.gateway.cgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * Request body → program stdin, on a pump thread. When the program stops reading (EPIPE: it exited or
 * closed stdin), the rest of the body is still read and counted, so the client's connection stays usable.
 */
public final class StdinPump implements Runnable {
    private static final int BUFFER = 64 * 1024;

    private final InputStream body;
    private final OutputStream stdin;
    private final RequestTrace trace;
    private final Consumer<String> log;
    private final BodyRecorder recorder;
    private volatile long bytesFromClient;
    private volatile long bytesToProgram;

    /** {@code body} may be null (no request body): stdin is then closed at once. */
    public StdinPump(InputStream body, OutputStream stdin, RequestTrace trace, Consumer<String> log) {
        this(body, stdin, trace, log, 0);
    }

    /**
     * @param recordBytes when above 0, the first that many body bytes (and the length and SHA-256 of all of them) are
     *                    recorded as CGI_REQUEST_BODY when the body ends, for replay
     */
    public StdinPump(InputStream body, OutputStream stdin, RequestTrace trace, Consumer<String> log, int recordBytes) {
        this.body = body;
        this.stdin = stdin;
        this.trace = trace;
        this.log = log;
        this.recorder = body != null && recordBytes > 0 ? new BodyRecorder(recordBytes) : null;
    }

    @Override
    public void run() {
        boolean programReading = true;
        if (body != null) {
            byte[] buf = new byte[BUFFER];
            try {
                int n;
                while ((n = body.read(buf)) > 0) {
                    bytesFromClient += n;
                    if (recorder != null) recorder.add(buf, 0, n);
                    if (programReading) {
                        try {
                            stdin.write(buf, 0, n);
                            bytesToProgram += n;
                        } catch (IOException e) {
                            programReading = false;
                        }
                    }
                }
            } catch (IOException e) {
                log.accept("cgi: reading the request body failed after " + bytesFromClient + " bytes: " + e.getMessage());
            }
        }
        try {
            stdin.close();
        } catch (IOException ignored) {
            // The program already closed its end.
        }
        if (recorder != null) trace.emit(recorder.event());
        if (body != null) trace.emit(new TraceEvent.CgiRequestEntitySent(bytesToProgram));
    }

    public long bytesFromClient() { return bytesFromClient; }

    public long bytesToProgram() { return bytesToProgram; }

    /** When no program runs (launch failed): reads the body to its end; returns how many bytes it had. */
    static long drain(InputStream body) {
        if (body == null) return 0;
        byte[] buf = new byte[BUFFER];
        long n = 0;
        try {
            int r;
            while ((r = body.read(buf)) > 0) n += r;
        } catch (IOException ignored) {
            // The client is gone; nothing to answer.
        }
        return n;
    }
}
