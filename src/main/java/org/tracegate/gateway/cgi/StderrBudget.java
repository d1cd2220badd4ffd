package org.tracegate.gateway.cgi;

import java.nio.charset.StandardCharsets;

/**
 * How much of a program's stderr goes to error.log: {@code limits.stderrKiB} of log bytes, each line counted as it will
 * stand in the log (the message, its escapes, and the timestamp and request id in front), so a flood of short lines is
 * bounded too. Once one line does not fit, none after it does, and the rest is counted as the program's bytes. One
 * rule for a CGI program's stderr, a FastCGI request's STDERR records and a managed process's own stderr.
 */
public final class StderrBudget {
    /** "2026-12-01T23:17:44.416429684Z [0e2e84c0-ba53-4118-a7b7-a95c2a29e50c] " and the newline. */
    private static final int LINE_FRAMING = 70;

    private final long maxBytes;
    private long logged;
    private long dropped;

    /** @param maxBytes error-log bytes of stderr lines; 0: none at all, only the count */
    public StderrBudget(long maxBytes) { this.maxBytes = maxBytes; }

    /**
     * Whether {@code message}, the log line made of the program's {@code line}, may be logged; counted either way.
     */
    public boolean admit(String message, String line) {
        long size = message.getBytes(StandardCharsets.UTF_8).length + LINE_FRAMING;
        if (dropped == 0 && logged + size <= maxBytes) {
            logged += size;
            return true;
        }
        dropped += line.getBytes(StandardCharsets.UTF_8).length + 1;   // the program's bytes, with their newline
        return false;
    }

    /** The program's stderr bytes not logged so far. */
    public long dropped() { return dropped; }

    /** The limit, in bytes. */
    public long maxBytes() { return maxBytes; }
}
