package org.tracegate.gateway.cgi;

import org.tracegate.text.ByteQuote;

/**
 * The program's header block broke a rule. Names the 1-based line and quotes the offending bytes so
 * the operator can see exactly what the program sent.
 */
public final class InvalidResponseHeadException extends Exception {
    private final int lineNumber;
    private final String reason;
    private final byte[] offendingBytes;

    public InvalidResponseHeadException(int lineNumber, String reason, byte[] offendingBytes) {
        super("line " + lineNumber + ": " + reason + ": " + ByteQuote.quote(offendingBytes, 256));
        this.lineNumber = lineNumber;
        this.reason = reason;
        this.offendingBytes = offendingBytes.clone();
    }

    /** 1-based line number in the header block; 0 when the rule concerns the block as a whole. */
    public int lineNumber() { return lineNumber; }

    /** The rule broken, in plain words, e.g. "invalid header name". */
    public String reason() { return reason; }

    /** The bytes of the offending line (bounded by the line limit). */
    public byte[] offendingBytes() { return offendingBytes.clone(); }
}
