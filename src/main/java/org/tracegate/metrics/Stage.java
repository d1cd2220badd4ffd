package org.tracegate.metrics;

import org.tracegate.trace.TraceEvent;

/**
 * Where a request in flight is, as IIS's "current requests" name it (the pipeline notification), judged from its
 * last event. A closed set: the label of the in-flight gauge and the dashboard's stage column.
 */
public enum Stage {
    BEGIN_REQUEST, MAP_REQUEST_HANDLER, EXECUTE_REQUEST_HANDLER, SEND_RESPONSE, END_REQUEST;

    /** The stage a request whose last event is {@code last} is in (null: it has just begun). */
    public static Stage after(TraceEvent last) {
        if (last == null) return BEGIN_REQUEST;
        // Exhaustive over the sealed vocabulary: a new event must be given its stage here.
        return switch (last) {
            case TraceEvent.GeneralRequestStart e -> BEGIN_REQUEST;
            case TraceEvent.GeneralEndpointInformation e -> BEGIN_REQUEST;
            case TraceEvent.GeneralRequestHeaders e -> BEGIN_REQUEST;
            case TraceEvent.HandlerChanged e -> MAP_REQUEST_HANDLER;
            case TraceEvent.CgiCrashLoopRecovered e -> MAP_REQUEST_HANDLER;
            case TraceEvent.CgiLaunch e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.CgiRequestEntitySent e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.CgiRequestBody e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.CgiStderr e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.GeneralReadEntityStart e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.GeneralReadEntityEnd e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.FastCgiRequestStart e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.FastCgiAssignProcess e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.FastCgiWaitingForResponse e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.FastCgiProcessStarted e -> EXECUTE_REQUEST_HANDLER;
            case TraceEvent.CgiHeadersReceived e -> SEND_RESPONSE;
            case TraceEvent.FastCgiResponseHeaders e -> SEND_RESPONSE;
            case TraceEvent.GeneralResponseHeaders e -> SEND_RESPONSE;
            case TraceEvent.GeneralResponseEntityBuffer e -> SEND_RESPONSE;
            case TraceEvent.ModuleSetResponseErrorStatus e -> SEND_RESPONSE;
            case TraceEvent.CgiTimeout e -> END_REQUEST;
            case TraceEvent.CgiPrematureTermination e -> END_REQUEST;
            case TraceEvent.CgiInvalidHeaders e -> END_REQUEST;
            case TraceEvent.CgiExit e -> END_REQUEST;
            case TraceEvent.CgiCrashDump e -> END_REQUEST;
            case TraceEvent.CgiAborted e -> END_REQUEST;
            case TraceEvent.CgiCrashLoopTripped e -> END_REQUEST;
            case TraceEvent.FastCgiUnexpectedExit e -> END_REQUEST;
            case TraceEvent.FastCgiEnd e -> END_REQUEST;
            case TraceEvent.FastCgiProcessRecycled e -> END_REQUEST;
            case TraceEvent.FastCgiProcessDied e -> END_REQUEST;
            case TraceEvent.GeneralRequestEnd e -> END_REQUEST;
        };
    }
}
