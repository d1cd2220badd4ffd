package org.tracegate.trace;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tracegate.text.OctetText;

/**
 * The closed vocabulary of trace events: past-tense facts with IIS's names and fields where IIS has
 * them. Every start has an end: GENERAL_REQUEST_START → GENERAL_REQUEST_END, CGI_LAUNCH → CGI_EXIT.
 */
public sealed interface TraceEvent {

    /** IIS's event name, e.g. "CGI_LAUNCH". */
    String name();

    Area area();

    Level level();

    /** The event's data as IIS would render it in UserData, in IIS's order. */
    Map<String, Object> fields();

    record GeneralRequestStart(int siteId, String appPoolId, long connId, long rawConnId, String requestUrl,
                               String requestVerb) implements TraceEvent {
        public String name() { return EventNames.GENERAL_REQUEST_START; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.INFORMATION; }
        public Map<String, Object> fields() {
            return ordered("SiteId", siteId, "AppPoolId", appPoolId, "ConnId", connId, "RawConnId", rawConnId,
                    "RequestURL", requestUrl, "RequestVerb", requestVerb);
        }
    }

    /** Both ends of the connection; addresses as text, IPv6 in RFC 5952 form. */
    record GeneralEndpointInformation(String remoteAddress, int remotePort, String localAddress, int localPort)
            implements TraceEvent {
        public String name() { return EventNames.GENERAL_ENDPOINT_INFORMATION; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() {
            return ordered("RemoteAddress", remoteAddress, "RemotePort", remotePort, "LocalAddress", localAddress,
                    "LocalPort", localPort);
        }
    }

    record GeneralRequestHeaders(String headers) implements TraceEvent {
        public String name() { return EventNames.GENERAL_REQUEST_HEADERS; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return ordered("Headers", headers); }
    }

    record HandlerChanged(String newHandlerName, String scriptProcessor, String physicalPath) implements TraceEvent {
        public String name() { return EventNames.HANDLER_CHANGED; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() {
            return ordered("NewHandlerName", newHandlerName, "ScriptProcessor", scriptProcessor,
                    "PhysicalPath", physicalPath);
        }
    }

    /**
     * IIS's fields, then what a replay needs to start the program again ({@code tracegate replay}): its working
     * directory, who it ran as ("uid:gid") and its environment, one {@code NAME=VALUE} per line in
     * {@link OctetText} (exact bytes, no line break inside a value), at most {@link #ENVIRONMENT_CHARS} characters
     * (then a last line "(N more variables left out)"). The three are left out of the fields when null, as in
     * events read from IIS's files. Rendered only when written, so a request no file keeps pays nothing for it.
     */
    record CgiLaunch(String commandLine, String errorCode, long processId, String workingDirectory, String runAs,
                     Map<String, String> environment) implements TraceEvent {
        public static final int ENVIRONMENT_CHARS = 64 * 1024;

        public CgiLaunch(String commandLine, String errorCode, long processId) {
            this(commandLine, errorCode, processId, null, null, null);
        }
        public String name() { return EventNames.CGI_LAUNCH; }
        public Area area() { return Area.CGI; }
        public Level level() { return "0".equals(errorCode) ? Level.INFORMATION : Level.ERROR; }
        public Map<String, Object> fields() {
            Map<String, Object> f = ordered("CommandLine", commandLine, "ErrorCode", errorCode, "ProcessId", processId);
            if (workingDirectory != null) f.put("WorkingDirectory", workingDirectory);
            if (runAs != null) f.put("RunAs", runAs);
            if (environment != null) f.put("Environment", environmentText(environment));
            return f;
        }

        static String environmentText(Map<String, String> env) {
            StringBuilder sb = new StringBuilder(2048);
            int left = env.size();
            for (Map.Entry<String, String> e : env.entrySet()) {
                String line = OctetText.encode(e.getKey()) + "=" + OctetText.encode(e.getValue()) + "\n";
                if (sb.length() + line.length() > ENVIRONMENT_CHARS) {
                    return sb.append("(").append(left).append(" more variables left out)\n").toString();
                }
                sb.append(line);
                left--;
            }
            return sb.toString();
        }
    }

    /**
     * The request body as the program was offered it, for replay: its first {@code recorded.length} bytes (a bound
     * the server sets, {@code [failedRequestTracing] maxBodyKiB}), its whole length and the SHA-256 of all of it, so
     * a replay can tell it has the whole body or says it has not. Base64 in the trace: exact in every format.
     */
    record CgiRequestBody(byte[] recorded, long totalBytes, String sha256) implements TraceEvent {
        public String name() { return EventNames.CGI_REQUEST_BODY; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.INFORMATION; }
        public Map<String, Object> fields() {
            return ordered("TotalBytes", totalBytes, "RecordedBytes", (long) recorded.length, "Sha256", sha256,
                    "Base64", java.util.Base64.getEncoder().encodeToString(recorded));
        }
    }

    record CgiRequestEntitySent(long bytes) implements TraceEvent {
        public String name() { return EventNames.CGI_REQUEST_ENTITY_SENT; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return ordered("Bytes", bytes); }
    }

    record CgiHeadersReceived(String headers) implements TraceEvent {
        public String name() { return EventNames.CGI_HEADERS_RECEIVED; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return ordered("Headers", headers); }
    }

    record CgiStderr(String text) implements TraceEvent {
        public String name() { return EventNames.CGI_STDERR; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.WARNING; }
        public Map<String, Object> fields() { return ordered("Text", text); }
    }

    record CgiTimeout(String headers) implements TraceEvent {
        public String name() { return EventNames.CGI_TIMEOUT; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.ERROR; }
        public Map<String, Object> fields() { return ordered("Headers", headers); }
    }

    record CgiPrematureTermination(String headers, String exitCode, String signal) implements TraceEvent {
        public String name() { return EventNames.CGI_PREMATURE_TERMINATION; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.ERROR; }
        public Map<String, Object> fields() { return ordered("Headers", headers, "ExitCode", exitCode, "Signal", signal); }
    }

    record CgiInvalidHeaders(String headers, int lineNumber, String reason) implements TraceEvent {
        public String name() { return EventNames.CGI_INVALID_HEADERS; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.ERROR; }
        public Map<String, Object> fields() { return ordered("Headers", headers, "Line", lineNumber, "Reason", reason); }
    }

    /**
     * {@code limit}: the configured limit that ended or crippled the run (e.g. "cpuSeconds"), or ""; {@code
     * limitDetail} says how in words ("exceeded its CPU limit of 2 s").
     */
    record CgiExit(String exitCode, String signal, boolean coreDumped, String endedBy, long cpuMillis,
                   long maxRssKiB, String limit, String limitDetail) implements TraceEvent {
        public CgiExit(String exitCode, String signal, boolean coreDumped, String endedBy, long cpuMillis,
                       long maxRssKiB) {
            this(exitCode, signal, coreDumped, endedBy, cpuMillis, maxRssKiB, "", "");
        }
        public String name() { return EventNames.CGI_EXIT; }
        public Area area() { return Area.CGI; }
        public Level level() { return limit.isEmpty() ? Level.INFORMATION : Level.WARNING; }
        public Map<String, Object> fields() {
            return ordered("ExitCode", exitCode, "Signal", signal, "CoreDumped", coreDumped, "EndedBy", endedBy,
                    "CpuMillis", cpuMillis, "MaxRssKiB", maxRssKiB, "Limit", limit, "LimitDetail", limitDetail);
        }
    }

    /**
     * A crashed program's evidence: the core kept (CorePath, CoreBytes) and what gdb read from it (CrashedIn, the
     * crashing thread's Backtrace, FaultAddress), or why there is none (Problem). Emitted when collected, which may
     * be after GENERAL_REQUEST_END: the request's trace files wait for it.
     */
    record CgiCrashDump(String corePath, long coreBytes, String signal, String faultAddress, String crashedIn,
                        String backtrace, String problem) implements TraceEvent {
        public String name() { return EventNames.CGI_CRASH_DUMP; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.ERROR; }
        public Map<String, Object> fields() {
            return ordered("CorePath", corePath, "CoreBytes", coreBytes, "Signal", signal, "FaultAddress", faultAddress,
                    "CrashedIn", crashedIn, "Backtrace", backtrace, "Problem", problem);
        }
    }

    record CgiAborted(String reason, String endedBy) implements TraceEvent {
        public String name() { return EventNames.CGI_RESPONSE_ABORTED; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.WARNING; }
        public Map<String, Object> fields() { return ordered("Reason", reason, "EndedBy", endedBy); }
    }

    /** A program failed too often too fast and is not started again until {@code until} (rapid-fail protection). */
    record CgiCrashLoopTripped(String program, int failures, long windowSeconds, String until, String lastCause)
            implements TraceEvent {
        public String name() { return EventNames.CGI_CRASH_LOOP_TRIPPED; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.ERROR; }
        public Map<String, Object> fields() {
            return ordered("Program", program, "Failures", failures, "WindowSeconds", windowSeconds, "Until", until,
                    "LastCause", lastCause);
        }
    }

    /** The first request after a crash loop's cooldown: the program is tried again. */
    record CgiCrashLoopRecovered(String program, long restedSeconds) implements TraceEvent {
        public String name() { return EventNames.CGI_CRASH_LOOP_RECOVERED; }
        public Area area() { return Area.CGI; }
        public Level level() { return Level.WARNING; }
        public Map<String, Object> fields() { return ordered("Program", program, "RestedSeconds", restedSeconds); }
    }

    /** A request goes to a FastCGI application. */
    record FastCgiRequestStart(String application, String scriptFilename) implements TraceEvent {
        public String name() { return EventNames.FASTCGI_REQUEST_START; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return Level.INFORMATION; }
        public Map<String, Object> fields() { return ordered("Application", application, "ScriptFilename", scriptFilename); }
    }

    /**
     * IIS's FASTCGI_ASSIGN_PROCESS: which process (or connection) serves it, and its how-manieth request;
     * {@code sentAhead} (ours, a field only when true): written behind the request running on that connection
     * ({@code sendAhead}), so its wait for the application includes the rest of that one.
     */
    record FastCgiAssignProcess(String commandLine, boolean isNewProcess, long processId, int requestNumber,
                                boolean sentAhead) implements TraceEvent {
        public FastCgiAssignProcess(String commandLine, boolean isNewProcess, long processId, int requestNumber) {
            this(commandLine, isNewProcess, processId, requestNumber, false);
        }

        public String name() { return EventNames.FASTCGI_ASSIGN_PROCESS; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return Level.INFORMATION; }
        public Map<String, Object> fields() {
            Map<String, Object> m = ordered("CommandLine", commandLine, "IsNewProcess", isNewProcess, "ProcessId", processId,
                    "RequestNumber", requestNumber);
            if (sentAhead) m.put("SentAhead", true);
            return m;
        }
    }

    /** The request is sent; the gateway waits for the application. */
    record FastCgiWaitingForResponse() implements TraceEvent {
        public String name() { return EventNames.FASTCGI_WAITING_FOR_RESPONSE; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return Map.of(); }
    }

    record FastCgiResponseHeaders(String headers) implements TraceEvent {
        public String name() { return EventNames.FASTCGI_RESPONSE_HEADERS; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return ordered("Headers", headers); }
    }

    /**
     * The application's end of the connection went away before END_REQUEST (a killed worker), or broke the
     * protocol; {@code stage} says how far the response had come.
     */
    record FastCgiUnexpectedExit(String stage, String errorCode, String detail, long processId, String exitCode,
                                 String signal) implements TraceEvent {
        public String name() { return EventNames.FASTCGI_UNEXPECTED_EXIT; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return Level.ERROR; }
        public Map<String, Object> fields() {
            return ordered("Stage", stage, "ErrorCode", errorCode, "Detail", detail, "ProcessId", processId,
                    "ExitCode", exitCode, "Signal", signal);
        }
    }

    /** The FastCGI request is over, however it ended. */
    record FastCgiEnd(String end, int appStatus, String protocolStatus, long stdoutBytes, long stderrBytes,
                      boolean connectionKept) implements TraceEvent {
        public String name() { return EventNames.FASTCGI_END; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return Level.INFORMATION; }
        public Map<String, Object> fields() {
            return ordered("End", end, "AppStatus", appStatus, "ProtocolStatus", protocolStatus,
                    "StdoutBytes", stdoutBytes, "StderrBytes", stderrBytes, "ConnectionKept", connectionKept);
        }
    }

    /**
     * A managed pool started an application process for this request: its pid, the socket it got as descriptor 0, and
     * how many processes the pool runs now (this one included).
     */
    record FastCgiProcessStarted(String commandLine, long processId, String socket, int instances) implements TraceEvent {
        public String name() { return EventNames.FASTCGI_PROCESS_STARTED; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return Level.INFORMATION; }
        public Map<String, Object> fields() {
            return ordered("CommandLine", commandLine, "ProcessId", processId, "Socket", socket, "Instances", instances);
        }
    }

    /**
     * A managed pool retired the process that served this request, after the request: {@code reason} says why
     * ("instanceMaxRequests = 200", "monitorChangesTo changed", "its connection broke off", …).
     */
    record FastCgiProcessRecycled(long processId, int requestsServed, String reason) implements TraceEvent {
        public String name() { return EventNames.FASTCGI_PROCESS_RECYCLED; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return Level.INFORMATION; }
        public Map<String, Object> fields() {
            return ordered("ProcessId", processId, "RequestsServed", requestsServed, "Reason", reason);
        }
    }

    /**
     * The process that served this request died during it: its exit status or signal, and whether it was ours (a
     * timeout's kill) or unexpected (it counts toward rapidFailsPerMinute).
     */
    record FastCgiProcessDied(long processId, int requestsServed, String exitCode, String signal, boolean unexpected)
            implements TraceEvent {
        public String name() { return EventNames.FASTCGI_PROCESS_DIED; }
        public Area area() { return Area.FASTCGI; }
        public Level level() { return unexpected ? Level.ERROR : Level.WARNING; }
        public Map<String, Object> fields() {
            return ordered("ProcessId", processId, "RequestsServed", requestsServed, "ExitCode", exitCode,
                    "Signal", signal, "Unexpected", unexpected);
        }
    }

    /** IIS's fields, then (ours, when known) the cause sentence the error page gave, so a replay can compare. */
    record ModuleSetResponseErrorStatus(String moduleName, int httpStatus, String httpReason, int httpSubStatus,
                                        String errorCode, String notification, String cause) implements TraceEvent {
        public ModuleSetResponseErrorStatus(String moduleName, int httpStatus, String httpReason, int httpSubStatus,
                                            String errorCode, String notification) {
            this(moduleName, httpStatus, httpReason, httpSubStatus, errorCode, notification, null);
        }
        public String name() { return EventNames.MODULE_SET_RESPONSE_ERROR_STATUS; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return httpStatus >= 500 ? Level.ERROR : Level.WARNING; }
        public Map<String, Object> fields() {
            Map<String, Object> f = ordered("ModuleName", moduleName, "HttpStatus", httpStatus, "HttpReason", httpReason,
                    "HttpSubStatus", httpSubStatus, "ErrorCode", errorCode, "Notification", notification);
            if (cause != null && !cause.isEmpty()) f.put("Cause", cause);
            return f;
        }
    }

    record GeneralResponseHeaders(String headers) implements TraceEvent {
        public String name() { return EventNames.GENERAL_RESPONSE_HEADERS; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return ordered("Headers", headers); }
    }

    /**
     * The server starts reading the request body whole before the request goes on (a chunked body, or a FastCGI
     * application's {@code requestBuffering}): the wait for a slow upload is between this and its end.
     */
    record GeneralReadEntityStart() implements TraceEvent {
        public String name() { return EventNames.GENERAL_READ_ENTITY_START; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return Map.of(); }
    }

    /**
     * The body is read: {@code bytesReceived} of it, {@code errorCode} "0" when whole, else why not
     * ({@code TOO_LARGE}; {@code BROKEN}: cut short or malformed; {@code TIMEOUT}: stalled for the idle timeout;
     * {@code NOT_STORED}: the spool file failed; {@code FAULT}: a bug of ours); {@code inFile} whether it was spooled
     * to a file.
     */
    record GeneralReadEntityEnd(long bytesReceived, String errorCode, boolean inFile) implements TraceEvent {
        public String name() { return EventNames.GENERAL_READ_ENTITY_END; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return ordered("BytesReceived", bytesReceived, "ErrorCode", errorCode, "InFile", inFile); }
    }

    /** The first bytes of the response body actually sent (IIS logs the whole buffer; we keep a bounded prefix). */
    record GeneralResponseEntityBuffer(String buffer, long totalBytes) implements TraceEvent {
        public String name() { return EventNames.GENERAL_RESPONSE_ENTITY_BUFFER; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.VERBOSE; }
        public Map<String, Object> fields() { return ordered("Buffer", buffer, "TotalBytes", totalBytes); }
    }

    record GeneralRequestEnd(long bytesSent, long bytesReceived, int httpStatus, int httpSubStatus)
            implements TraceEvent {
        public String name() { return EventNames.GENERAL_REQUEST_END; }
        public Area area() { return Area.GENERAL; }
        public Level level() { return Level.INFORMATION; }
        public Map<String, Object> fields() {
            return ordered("BytesSent", bytesSent, "BytesReceived", bytesReceived, "HttpStatus", httpStatus,
                    "HttpSubStatus", httpSubStatus);
        }
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
