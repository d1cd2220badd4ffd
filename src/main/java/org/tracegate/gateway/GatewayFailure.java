package org.tracegate.gateway;

import java.time.Duration;
import java.util.List;

/**
 * Every way a request can fail before its response starts, each with IIS's status.substatus where IIS
 * defines one: the program's own failures here, the server's refusals in {@link Refusal}. The client gets
 * only the status; the operator gets {@link #cause()}, {@link #thingsToTry()} and the evidence.
 */
public sealed interface GatewayFailure permits GatewayFailure.PrematureExit, GatewayFailure.InvalidHeaders,
        GatewayFailure.LaunchFailed, GatewayFailure.HeaderTimeout, GatewayFailure.ResponseBroken,
        GatewayFailure.TooManyRedirects, GatewayFailure.Overloaded, GatewayFailure.ServerFault, GatewayFailure.TotalTimeout,
        GatewayFailure.FastCgiUnreachable, GatewayFailure.FastCgiBrokeOff, GatewayFailure.FastCgiRefused,
        GatewayFailure.FastCgiTimeout, GatewayFailure.EndedByOperator, GatewayFailure.ShuttingDown, Refusal {

    int status();

    int subStatus();

    /** The error code for pages and logs: an exit status, a signal name or an errno name. */
    String errorCode();

    /** One sentence in plain words. */
    String cause();

    /** Advice for the operator, most useful first. */
    List<String> thingsToTry();

    /** Header bytes the program returned before failing (possibly empty); empty when not applicable. */
    default byte[] headerBytes() { return new byte[0]; }

    /** "502.2". */
    default String statusCode() { return status() + "." + subStatus(); }

    /** Seconds for a Retry-After header, or 0 for none. */
    default long retryAfterSeconds() { return 0; }

    /** Exited, was killed by a signal, or closed stdout before the blank line ending its headers. */
    record PrematureExit(byte[] headerBytes, String errorCode, String exitDescription, String limit)
            implements GatewayFailure {
        public PrematureExit(byte[] headerBytes, String errorCode, String exitDescription) {
            this(headerBytes, errorCode, exitDescription, "");
        }
        public int status() { return 502; }
        public int subStatus() { return 2; }
        public String cause() {
            return "The CGI program " + (limit.isEmpty() ? "" : limit + " and ") + "ended (" + exitDescription
                    + ") before it sent a complete set of HTTP headers"
                    + (headerBytes.length == 0 ? "; it sent no header at all." : ".");
        }
        public List<String> thingsToTry() {
            return List.of(
                    "Read the program's stderr below and in error.log (lines tagged with this request id).",
                    "Run the program by hand with the same environment (see docs/failures.md) and check it prints its headers and a blank line before doing any slow or risky work.",
                    !limit.isEmpty()
                            ? "The program " + limit + ": make it need less, or raise that limit (docs/configuration.md, [limits])."
                            : exitDescription.startsWith("signal")
                            ? "The program was killed by a signal: look for a crash (core dump, dmesg) or an external kill (OOM killer, ulimit)."
                            : "A non-zero exit status usually means the program hit an error it reported on stderr.");
        }
    }

    /** The header block broke a rule of RFC 3875 §6 or a limit. */
    record InvalidHeaders(byte[] headerBytes, int lineNumber, String reason, String quotedLine)
            implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 2; }
        public String errorCode() { return "INVALID_HEADER"; }
        public String cause() {
            return "The CGI program sent an invalid header block: " + reason
                    + (lineNumber > 0 ? " at line " + lineNumber : "") + (quotedLine.isEmpty() ? "." : ": " + quotedLine);
        }
        public List<String> thingsToTry() {
            return List.of(
                    "Fix the quoted header line: a header is Name: value, the name a token without spaces, the value without control characters.",
                    "End the header block with an empty line, and send Content-Type, Location or Status.",
                    "Do not send Transfer-Encoding: the server frames the response itself.");
        }
    }

    /** exec failed: missing program or interpreter, not executable, not a known executable format. */
    record LaunchFailed(String errnoName, int errno, String detail) implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 3; }
        public String errorCode() { return errnoName; }
        public String cause() { return "The CGI program could not be started: " + detail + "."; }
        public List<String> thingsToTry() {
            return List.of(
                    switch (errnoName) {
                        case "ENOENT" -> "Check the shebang line (#!) names an interpreter that exists, and that the program file exists.";
                        case "ENOEXEC" -> "The file is not a binary the kernel can run and has no #! line: add one, or map its extension to an interpreter.";
                        case "EACCES" -> "Check the execute permission of the program, of its interpreter and of every directory on the path.";
                        default -> "Check the program and its interpreter can be executed by the server's user.";
                    },
                    "Try running it by hand as the server's user: the same errno will appear.");
        }
    }

    /** No complete header block within the header timeout; the process group was killed. */
    record HeaderTimeout(byte[] headerBytes, Duration timeout, int status) implements GatewayFailure {
        public int subStatus() { return status == 502 ? 1 : 0; }
        public String errorCode() { return "TIMEOUT"; }
        public String cause() {
            return "The CGI program did not send a complete set of HTTP headers within " + seconds(timeout)
                    + "; it was stopped.";
        }
        public List<String> thingsToTry() {
            return List.of(
                    "The program took too long before sending its headers: make it send them before slow work, or raise limits.headerTimeoutSeconds.",
                    "Check what it waits for: a database, a lock, a network call, or reading a request body that never comes.");
        }
    }

    /** The program ran longer than the total timeout before its header block was complete; it was stopped. */
    record TotalTimeout(byte[] headerBytes, Duration timeout) implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 1; }
        public String errorCode() { return "TIMEOUT"; }
        public String cause() {
            return "The CGI program ran longer than the total timeout of " + seconds(timeout)
                    + " without completing its headers; it was stopped.";
        }
        public List<String> thingsToTry() {
            return List.of("Find what the program waits for, or raise limits.totalTimeoutSeconds if it legitimately runs that long.");
        }
    }

    /**
     * The program sent a valid header block, then its body broke off (idle timeout, a short or long
     * Content-Length) before any byte reached the client: still answerable with an error page.
     */
    record ResponseBroken(byte[] headerBytes, String reason, boolean timedOut) implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return timedOut ? 1 : 2; }
        public String errorCode() { return timedOut ? "TIMEOUT" : "BROKEN_BODY"; }
        public String cause() {
            return "The CGI program sent its headers, but then " + reason + "; nothing had been sent to the client yet.";
        }
        public List<String> thingsToTry() {
            return List.of(
                    "The program's output stopped after its headers: check its stderr and what it waits for.",
                    "A declared Content-Length must match the body exactly; leave it out if the size is not known.");
        }
    }

    /** Local redirects went round more often than the hop limit allows. */
    record TooManyRedirects(int hops, String lastLocation) implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 5; }
        public String errorCode() { return "REDIRECT_LOOP"; }
        public String cause() {
            return "The CGI program's local redirects exceeded " + hops + " hops (last Location: " + lastLocation + ").";
        }
        public List<String> thingsToTry() {
            return List.of("The program answers with a local Location that leads back to itself: check the redirect target.");
        }
    }

    /** What was full when a request was turned away 503.2: its words and its knobs differ. */
    enum Slots { CGI, FASTCGI_PROCESSES, FASTCGI_CONNECTIONS }

    /** All program slots (or a FastCGI application's processes or connections) were busy, the queue full or the wait too long. */
    record Overloaded(int maxConcurrent, Duration waited, Slots of) implements GatewayFailure {
        public Overloaded(int maxConcurrent, Duration waited) { this(maxConcurrent, waited, Slots.CGI); }

        public int status() { return 503; }
        public int subStatus() { return 2; }
        public String errorCode() { return "CONCURRENCY_LIMIT"; }
        public long retryAfterSeconds() { return 5; }
        public String cause() {
            // No wait at all: turned away at once, the queue being full ("none freed up within 0 s" read as a bug).
            boolean full = waited.isZero();
            return switch (of) {
                case CGI -> "All " + maxConcurrent + " CGI slots were busy and " + (full
                        ? "the queue of waiting requests was full (limits.queueSize)." : "no slot freed up within " + seconds(waited) + ".");
                case FASTCGI_PROCESSES -> "All " + maxConcurrent + " processes of the FastCGI application (maxInstances) were"
                        + " busy and " + (full ? "its queue of waiting requests was full (queueLength)."
                        : "none freed up within " + seconds(waited) + ".");
                case FASTCGI_CONNECTIONS -> "All " + maxConcurrent + " connections to the FastCGI server (maxInstances) were"
                        + " busy and " + (full ? "its queue of waiting requests was full (queueLength)."
                        : "none freed up within " + seconds(waited) + ".");
            };
        }
        public List<String> thingsToTry() {
            return List.of("Retry later (see Retry-After).", switch (of) {
                case CGI -> "Raise limits.maxConcurrent or limits.queueSize if the machine has room, or find what keeps programs running long.";
                case FASTCGI_PROCESSES -> "Raise maxInstances, or queueLength and queueTimeout, if the machine has room, or find"
                        + " the scripts that run long (time-taken in the access log).";
                case FASTCGI_CONNECTIONS -> "Raise maxInstances together with the server's own worker count (php-fpm's"
                        + " pm.max_children: it keeps a worker on each kept connection), or queueLength and queueTimeout, or"
                        + " find the scripts that run long (time-taken in the access log).";
            });
        }
    }

    /**
     * A FastCGI server could not be reached: no socket, nobody listening, a connect that timed out; or a managed
     * pool's command could not be started ({@code notStarted}: the errno is exec's).
     */
    record FastCgiUnreachable(String address, String errnoName, String detail, boolean notStarted) implements GatewayFailure {
        public FastCgiUnreachable(String address, String errnoName, String detail) { this(address, errnoName, detail, false); }

        public int status() { return 502; }
        public int subStatus() { return 3; }
        public String errorCode() { return errnoName; }
        public String cause() {
            return "The FastCGI application at " + address + " could not be reached: " + detail + ".";
        }
        public List<String> thingsToTry() {
            if (notStarted) {
                return List.of(switch (errnoName) {
                            case "ENOENT" -> "No such file: check the command's path in [[fastcgi]] (and, for a script, the interpreter its #! names).";
                            case "EACCES" -> "The program user may not execute it: check its mode and that of every directory above it.";
                            case "ENOEXEC" -> "Not an executable format: name its interpreter first in command.";
                            default -> "The command could not be started; the errno above says why.";
                        },
                        "docs/fastcgi.md, \"What the operator sees\", has each case.");
            }
            return List.of(switch (errnoName) {
                        case "ENOENT" -> "No socket at that path: is the FastCGI server (php-fpm) running, and is this its listen address?";
                        case "ECONNREFUSED" -> "Nothing listens there: start the FastCGI server, or correct the address.";
                        case "EAGAIN" -> "Its listen queue is full: the server is overloaded; raise its workers or its listen.backlog.";
                        case "ETIMEDOUT" -> "The connect did not complete: is the host reachable, the port open?";
                        case "EACCES" -> "Permission denied on the socket: the server's user must be able to connect (listen.owner / listen.mode).";
                        default -> "Check the address in [[fastcgi]] and that the FastCGI server runs.";
                    },
                    "docs/fastcgi.md, \"Failures\", has each case.");
        }
    }

    /**
     * A FastCGI application's connection broke off before the request ended (a killed worker), it broke the
     * protocol, or it ended the request without a complete header block.
     *
     * @param how    what happened, in words ("closed the connection (ECONNRESET) before it sent any output")
     * @param worker the worker's pid, requests served and exit, when known; "" otherwise
     */
    record FastCgiBrokeOff(byte[] headerBytes, String application, String how, String worker, String errorCode)
            implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 2; }
        public String cause() {
            return "The FastCGI application " + application + " " + how + (worker.isEmpty() ? "" : "; " + worker) + ".";
        }
        public List<String> thingsToTry() {
            return List.of("Read the application's stderr below and its own log (php-fpm: \"child N exited on signal …\").",
                    "A worker killed mid-request (OOM killer, a crash, max_execution_time) closes its connection: check dmesg and the server's log.",
                    "docs/fastcgi.md, \"Failures\", has each case.");
        }
    }

    /** END_REQUEST refused the request: the application is overloaded, cannot multiplex, or has no RESPONDER role. */
    record FastCgiRefused(String application, String protocolStatus) implements GatewayFailure {
        public int status() { return protocolStatus.equals("OVERLOADED") ? 503 : 502; }
        public int subStatus() { return protocolStatus.equals("OVERLOADED") ? 4 : 6; }
        public String errorCode() { return protocolStatus; }
        public String cause() {
            return "The FastCGI application " + application + " refused the request: " + switch (protocolStatus) {
                case "OVERLOADED" -> "it is overloaded (FCGI_OVERLOADED)";
                case "CANT_MPX_CONN" -> "it cannot take a second request on one connection (FCGI_CANT_MPX_CONN)";
                case "UNKNOWN_ROLE" -> "it does not play the RESPONDER role (FCGI_UNKNOWN_ROLE)";
                default -> protocolStatus;
            } + ".";
        }
        public long retryAfterSeconds() { return protocolStatus.equals("OVERLOADED") ? 5 : 0; }
        public List<String> thingsToTry() {
            return List.of(protocolStatus.equals("OVERLOADED")
                    ? "Give the application more workers, or lower maxInstances so Tracegate queues instead."
                    : "The address may name the wrong kind of server: check it is a FastCGI responder such as php-fpm.");
        }
    }

    /** No answer within the activity or request timeout; the request was aborted (a managed worker replaced). */
    record FastCgiTimeout(byte[] headerBytes, String application, String which, Duration timeout) implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 1; }
        public String errorCode() { return "TIMEOUT"; }
        public String cause() {
            return "The FastCGI application " + application + " did not complete its headers within its " + which
                    + " of " + seconds(timeout) + "; the request was aborted.";
        }
        public List<String> thingsToTry() {
            return List.of("Find what the script waits for (a database, a lock, a slow API), or raise activityTimeout / "
                    + "requestTimeout in its [[fastcgi]] table.");
        }
    }

    /**
     * The operator ended the request before its program's header block was complete (the dashboard's end button,
     * `tracegate requests end ID`). 502.7, a substatus IIS does not use.
     *
     * @param how what was done: "its program's process group was stopped" (CGI), or its FastCGI request aborted
     */
    record EndedByOperator(byte[] headerBytes, String how) implements GatewayFailure {
        public static final String CGI = "its program's process group was stopped";
        public static final String FASTCGI = "its FastCGI request was aborted (ABORT_REQUEST; a managed worker is "
                + "stopped and replaced)";

        public int status() { return 502; }
        public int subStatus() { return 7; }
        public String errorCode() { return "ENDED_BY_OPERATOR"; }
        public String cause() {
            return "The operator ended this request: " + how + " before it sent a complete header block.";
        }
        public List<String> thingsToTry() {
            return List.of("The error log names the request and when it was ended; its trace shows where the program was.",
                    "A program that has to be ended by hand hangs: see docs/failures.md, \"Too slow\".");
        }
    }

    /**
     * The server is shutting down and the FastCGI application takes no more requests (one that arrived, or finished
     * reading its body, within the shutdown grace): not the application's failure, nor a busy pool's.
     */
    record ShuttingDown(String application) implements GatewayFailure {
        public int status() { return 503; }
        public int subStatus() { return 0; }
        public String errorCode() { return "SHUTTING_DOWN"; }
        public long retryAfterSeconds() { return 5; }
        public String cause() {
            return "The server is shutting down: the FastCGI application " + application + " takes no more requests.";
        }
        public List<String> thingsToTry() {
            return List.of("Retry shortly (see Retry-After): a restarted server answers again once it is up.");
        }
    }

    /** The server itself failed (a bug of ours): 500.0 with the request id; never the program's fault. */
    record ServerFault(String detail) implements GatewayFailure {
        public int status() { return 500; }
        public int subStatus() { return 0; }
        public String errorCode() { return "SERVER_FAULT"; }
        public String cause() { return "The server itself failed: " + detail + "."; }
        public List<String> thingsToTry() { return List.of("Report this with the request id and error.log."); }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format("%.3f s", ms / 1000.0);
    }
}
