package org.tracegate.gateway.fastcgi;

import org.tracegate.text.ByteQuote;

/**
 * The FastCGI server broke the protocol. Names where in the stream it happened and quotes the offending
 * bytes (a record header, or the part of a record's content that is wrong), so the operator sees exactly
 * what the server sent — a printable quote also shows at once when the "FastCGI server" answered in HTTP.
 * The only exception the decoder throws for bad input.
 */
public final class FastCgiProtocolException extends Exception {
    /** Most bytes a message quotes. */
    static final int QUOTED_BYTES = 64;

    private final long offset;
    private final String reason;
    private final byte[] offendingBytes;

    /**
     * @param offset         position in the stream of the first offending byte (0 = the first byte received)
     * @param reason         the rule broken, in plain words
     * @param offendingBytes the bytes concerned (kept as given; quoted up to {@link #QUOTED_BYTES})
     */
    public FastCgiProtocolException(long offset, String reason, byte[] offendingBytes) {
        super("at byte " + offset + ": " + reason + ": " + ByteQuote.quote(offendingBytes, QUOTED_BYTES));
        this.offset = offset;
        this.reason = reason;
        this.offendingBytes = offendingBytes.clone();
    }

    public long offset() { return offset; }

    public String reason() { return reason; }

    public byte[] offendingBytes() { return offendingBytes.clone(); }
}
