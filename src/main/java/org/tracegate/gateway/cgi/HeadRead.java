package org.tracegate.gateway.cgi;

/**
 * What reading a program's response head produced. {@code H} is the head: a {@link ResponseHead} for a
 * CGI header block, an {@link NphStatusLine} for a non-parsed-header program.
 */
public sealed interface HeadRead<H> {

    /** The head's bytes as received (bounded by the header limits), for traces and error pages. */
    byte[] headerBytes();

    /** The head is complete; the relay buffer holds the first body bytes. */
    record Complete<H>(H head, byte[] headerBytes) implements HeadRead<H> {}

    /** The head broke a rule; nothing of it may be relayed. */
    record Invalid<H>(InvalidResponseHeadException error, byte[] headerBytes) implements HeadRead<H> {}

    /** The output ended before the head was complete: the program exited, or was stopped. */
    record Ended<H>(byte[] headerBytes) implements HeadRead<H> {}
}
