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
    record ConnectionLost(Stage stage, String errno, String detail) implements RequestEnd {}

    /**
     * A request sent ahead ({@code sendAhead}) never became its connection's: the connection closed under the request
     * before it. {@code resendable} when the server cannot have started this one (it lost the connection before it
     * finished the one before); false when we closed it under a request that was cut, since the server may still read
     * and run this one.
     */
    record LostAhead(boolean resendable) implements RequestEnd {
        /** The cause, after "The FastCGI application … never got to it: ". */
        public String detail() {
            return "the connection it was sent ahead on " + (resendable
                    ? "was lost under the request before it, which the server never finished"
                    : "was closed under the request before it, which was cut; the server may still read and run this "
                      + "one, so it is not sent again");
        }
    }

    /** The server broke the protocol; the connection was closed at once. */
    record ProtocolViolation(Stage stage, FastCgiProtocolException error) implements RequestEnd {}

    /**
     * We aborted the request (the client left, a deadline fired, or the gateway stopped reading) and no
     * END_REQUEST came within the abort grace, so we closed the connection.
     */
    record Abandoned(Stage stage) implements RequestEnd {}
}
