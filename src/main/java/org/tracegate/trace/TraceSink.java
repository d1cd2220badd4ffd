package org.tracegate.trace;

/**
 * Receives each finished request's trace (failed-request rules, sessions, logs). Called once per
 * request after GENERAL_REQUEST_END, on the request's thread: implementations must be quick and must
 * not throw (hand heavy work to their own thread).
 */
@FunctionalInterface
public interface TraceSink {
    TraceSink NONE = trace -> {};

    void requestEnded(RequestTrace trace);
}
