package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;

/**
 * The errno behind a socket failure, by name. The JDK reports only strerror's text, so it is matched back
 * (glibc's wording, which is what Linux JDKs print); an unknown text keeps the exception's class as its code.
 */
final class SocketErrors {
    private static final Map<String, String> BY_TEXT = Map.ofEntries(
            Map.entry("No such file or directory", "ENOENT"),
            Map.entry("Connection refused", "ECONNREFUSED"),
            Map.entry("Connection reset", "ECONNRESET"),          // the JDK's own wording, and "… by peer"
            Map.entry("Broken pipe", "EPIPE"),
            Map.entry("Resource temporarily unavailable", "EAGAIN"),
            Map.entry("Permission denied", "EACCES"),
            Map.entry("Not a directory", "ENOTDIR"),
            Map.entry("Connection timed out", "ETIMEDOUT"),
            Map.entry("Network is unreachable", "ENETUNREACH"),
            Map.entry("No route to host", "EHOSTUNREACH"),
            Map.entry("Protocol wrong type for socket", "EPROTOTYPE"),
            Map.entry("Address not available", "EADDRNOTAVAIL"),
            Map.entry("Cannot assign requested address", "EADDRNOTAVAIL"));

    private SocketErrors() {}

    /** "ECONNREFUSED", …; "EBADF" for a channel closed under us. */
    static String errnoName(IOException e) {
        if (e instanceof ClosedChannelException) return "EBADF";
        String m = e.getMessage();
        if (m != null) {
            for (Map.Entry<String, String> t : BY_TEXT.entrySet()) {
                if (m.contains(t.getKey())) return t.getValue();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** The exception's text for a message, never null. */
    static String detail(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
