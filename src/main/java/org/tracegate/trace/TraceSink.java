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

    /** The request began (after GENERAL_REQUEST_START); for rules that fire while it still runs. */
    default void requestStarted(RequestTrace trace) {}

    /** As {@link #all(java.util.List, ErrorLog)}, reporting to standard error. */
    static TraceSink all(java.util.List<TraceSink> sinks) { return all(sinks, ErrorLog.standardError()); }

    /**
     * Several sinks as one; each is guarded so one failing sink cannot hurt the others or the request, and its
     * failure goes to {@code errors} with the request's id.
     */
    static TraceSink all(java.util.List<TraceSink> sinks, ErrorLog errors) {
        java.util.List<TraceSink> copy = java.util.List.copyOf(sinks);
        return new TraceSink() {
            @Override
            public void requestEnded(RequestTrace trace) {
                for (TraceSink s : copy) {
                    try {
                        s.requestEnded(trace);
                    } catch (RuntimeException e) {
                        errors.log(trace.context().requestId(), "trace sink failed: " + e);
                    }
                }
            }

            @Override
            public void requestStarted(RequestTrace trace) {
                for (TraceSink s : copy) {
                    try {
                        s.requestStarted(trace);
                    } catch (RuntimeException e) {
                        errors.log(trace.context().requestId(), "trace sink failed: " + e);
                    }
                }
            }
        };
    }
}
