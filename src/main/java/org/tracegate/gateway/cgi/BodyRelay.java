package org.tracegate.gateway.cgi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * Relays a response body from a program's output to a {@link ResponseSink}: what {@link HeadReader} left in
 * the buffer, then the rest of the channel, through the one pooled direct buffer (no heap copy on the way).
 * Knows nothing of processes; it reports how the body ended and the caller decides what that means.
 */
public final class BodyRelay {
    /** How much of a response body the trace keeps (GENERAL_RESPONSE_ENTITY_BUFFER). */
    public static final int ENTITY_BUFFER_BYTES = 4096;
    /** Hop-by-hop headers (RFC 9110 §7.6.1): framing is ours, so a program's are dropped. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "trailers", "transfer-encoding", "upgrade");
    private static final byte[] NONE = new byte[0];

    private BodyRelay() {}

    /**
     * Starts the response with the head's status and end-to-end headers, then relays the body under the idle
     * deadline. A HEAD request and a 204 or 304 get no body; its bytes are still read and counted. The
     * response is ended cleanly only when the output ended on its own with the declared Content-Length.
     * Emits GENERAL_RESPONSE_HEADERS once the response started and GENERAL_RESPONSE_ENTITY_BUFFER at the end.
     */
    public static RelayEnd relay(ReadableByteChannel in, ByteBuffer buf, ResponseHead head, String method,
                                 ResponseSink sink, Deadlines deadlines, RequestTrace trace) {
        List<ResponseHead.Header> headers = endToEnd(head.headers());
        WritableByteChannel to;
        try {
            to = sink.begin(head.status(), head.reason(), headers);
        } catch (IOException e) {
            return new RelayEnd.NotStarted(e);
        }
        trace.emit(new TraceEvent.GeneralResponseHeaders(headersText(head.status(), head.reason(), headers)));
        boolean bodyAllowed = !"HEAD".equals(method) && head.status() != 204 && head.status() != 304;
        long declared = head.contentLength();
        long sent = 0;
        byte[] first = NONE;
        deadlines.bodyStarted();
        try {
            while (true) {
                int len = buf.remaining();
                if (len > 0) {
                    if (declared >= 0 && sent + len > declared) return new RelayEnd.TooLong(declared, sent);
                    if (!deadlines.outputWithin(sent + len)) return new RelayEnd.Cut(Cutoff.OUTPUT_LIMIT, sent);
                    first = keepFirst(first, buf);
                    if (bodyAllowed) ByteChannels.writeAll(to, buf);
                    sent += len;
                }
                // Only time spent waiting on the program counts: a slow client is the HTTP layer's idle timeout.
                deadlines.awaitingProgram();
                int n = ByteChannels.refill(in, buf);
                deadlines.programAnswered();
                if (n < 0) break;
            }
            Cutoff cut = deadlines.cutoff();
            if (cut != null) return new RelayEnd.Cut(cut, sent);
            if (bodyAllowed && declared >= 0 && sent != declared) return new RelayEnd.TooShort(declared, sent);
            to.close();
            return new RelayEnd.Completed(sent);
        } catch (IOException e) {
            return new RelayEnd.ClientLeft(e, sent);
        } finally {
            deadlines.bodyEnded();
            trace.emit(new TraceEvent.GeneralResponseEntityBuffer(new String(first, StandardCharsets.ISO_8859_1), sent));
        }
    }

    /**
     * NPH: every byte untouched (the status line is already in the buffer) to the raw connection, which the
     * HTTP layer closes after the program ends; under the idle deadline.
     */
    public static RelayEnd relayRaw(ReadableByteChannel in, ByteBuffer buf, ResponseSink sink, Deadlines deadlines) {
        long sent = 0;
        deadlines.bodyStarted();
        try (WritableByteChannel raw = sink.beginRaw()) {
            int n = buf.remaining();
            while (n > 0) {
                if (!deadlines.outputWithin(sent + n)) return new RelayEnd.Cut(Cutoff.OUTPUT_LIMIT, sent);
                ByteChannels.writeAll(raw, buf);
                sent += n;
                deadlines.awaitingProgram();
                n = ByteChannels.refill(in, buf);
                deadlines.programAnswered();
            }
        } catch (IOException e) {
            return new RelayEnd.ClientLeft(e, sent);
        } finally {
            deadlines.bodyEnded();
        }
        Cutoff cut = deadlines.cutoff();
        return cut != null ? new RelayEnd.Cut(cut, sent) : new RelayEnd.Completed(sent);
    }

    /** Appends the buffer's first bytes to {@code kept}, up to ENTITY_BUFFER_BYTES in all (FastCGI's push relay too). */
    public static byte[] keepFirst(byte[] kept, ByteBuffer b) {
        int n = Math.min(ENTITY_BUFFER_BYTES - kept.length, b.remaining());
        if (n <= 0) return kept;
        byte[] more = Arrays.copyOf(kept, kept.length + n);
        b.get(b.position(), more, kept.length, n);
        return more;
    }

    /** The headers without the hop-by-hop ones, which are the HTTP layer's to set. */
    public static List<ResponseHead.Header> endToEnd(List<ResponseHead.Header> headers) {
        List<ResponseHead.Header> out = new ArrayList<>(headers.size());
        for (ResponseHead.Header h : headers) {
            if (!HOP_BY_HOP.contains(h.name().toLowerCase(Locale.ROOT))) out.add(h);
        }
        return out;
    }

    /** GENERAL_RESPONSE_HEADERS' text. */
    public static String headersText(int status, String reason, List<ResponseHead.Header> headers) {
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 ").append(status);
        if (reason != null && !reason.isEmpty()) sb.append(' ').append(reason);
        sb.append("\r\n");
        for (ResponseHead.Header h : headers) sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        return sb.toString();
    }
}
