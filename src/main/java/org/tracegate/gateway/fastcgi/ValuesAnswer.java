package org.tracegate.gateway.fastcgi;

/** How a server answered GET_VALUES. Unanswered is "unknown", never a hang: the caller goes on without. */
public sealed interface ValuesAnswer {

    record Answered(ServerValues values) implements ValuesAnswer {}

    /**
     * No usable answer: the server stayed silent for the timeout, closed the connection, answered
     * UNKNOWN_TYPE, or broke the protocol; {@code why} says which, in plain words.
     */
    record Unanswered(String why) implements ValuesAnswer {}
}
