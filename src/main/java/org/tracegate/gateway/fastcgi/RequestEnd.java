package org.tracegate.gateway.fastcgi;

/**
 * How one FastCGI request ended, as plain facts for the gateway to judge. Only {@link Ended} means the
 * server finished the request; the others say where the response stood when it broke off.
 */
public sealed interface RequestEnd {

    /** Whether the server finished the request: END_REQUEST with REQUEST_COMPLETE (null: it has not ended). */
    static boolean completed(RequestEnd end) {
        return end instanceof Ended e && e.protocolStatus() == ProtocolStatus.REQUEST_COMPLETE;
    }

    /**
     * END_REQUEST arrived.
     *
     * @param appStatus      the application's own status (32 bits as sent; php-fpm always sends 0)
     * @param protocolStatus REQUEST_COMPLETE, or why the server refused the request
     */
    record Ended(int appStatus, ProtocolStatus protocolStatus) implements RequestEnd {}

    /**
     * The connection ended or failed before END_REQUEST: the server closed it ({@code errno} "EOF"), or a
     * read failed ("ECONNRESET", …). A killed worker looks like this.
     *
     * @param detail what was read last, e.g. "EOF between records after 1234 bytes"
     */
    record ConnectionLost(Stage stage, String errno, String detail) implements RequestEnd {
        /** How {@link #detail} starts for a request sent ahead whose connection we closed under the one before it. */
        static final String SENT_AHEAD = "the connection it was sent ahead on ";

        /** Whether it was never the server's to answer: sent ahead, and closed by us before it began ({@code sendAhead}). */
        public boolean sentAhead() { return detail.startsWith(SENT_AHEAD); }
    }

    /** The server broke the protocol; the connection was closed at once. */
    record ProtocolViolation(Stage stage, FastCgiProtocolException error) implements RequestEnd {}

    /**
     * We aborted the request (the client left, a deadline fired, or the gateway stopped reading) and no
     * END_REQUEST came within the abort grace, so we closed the connection.
     */
    record Abandoned(Stage stage) implements RequestEnd {}
}
