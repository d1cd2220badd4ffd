package org.tracegate.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.EndPoint;

/**
 * The few answers the connection side writes itself, below Jetty's HTTP machinery, to a connection it is about
 * to close: no request was parsed (or will be), so there is no exchange, no generator and nothing else writing.
 * Best effort and never blocking: what the socket takes at once is sent, then the output is shut and the
 * connection closed. A client still sending when the close happens may see a reset instead of the answer
 * (RFC 9112 §9.6); that is the price of not lingering on a connection we are refusing.
 */
final class RawResponse {
    private RawResponse() {}

    /** 408 for a request head that did not arrive within the deadline. */
    static final byte[] REQUEST_HEAD_TIMEOUT = of(408, "Request Timeout", "",
            "The request head did not arrive in time.\n");

    /** 503 for a connection beyond its client's cap; Retry-After as the 503.2 page says it. */
    static final byte[] TOO_MANY_CONNECTIONS = of(503, "Service Unavailable", "Retry-After: 5\r\n",
            "Too many connections from your address.\n");

    static byte[] of(int status, String reason, String extraHeaders, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n" + extraHeaders
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + b.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(b, 0, out, h.length, b.length);
        return out;
    }

    /** Writes what the endpoint takes without blocking, then closes it (Jetty notices and cleans up). */
    static void sendAndClose(EndPoint endPoint, byte[] response) {
        try {
            endPoint.flush(ByteBuffer.wrap(response));
            endPoint.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // Gone already, or the socket is full: closing is what matters.
        }
        endPoint.close();
    }

    /** The same for a channel just accepted, before Jetty made an endpoint of it (non-blocking mode). */
    static void sendAndClose(SocketChannel channel, byte[] response) {
        try {
            channel.write(ByteBuffer.wrap(response));
            channel.shutdownOutput();
            // Read what already arrived, so the close is less likely to reset the connection under the answer.
            channel.read(ByteBuffer.allocate(4096));
        } catch (IOException | RuntimeException e) {
            // As above.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing more to do.
        }
    }
}
