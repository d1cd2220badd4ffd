package org.tracegate.gateway;

import java.time.Duration;

/**
 * Every way a program can fail before its response starts, each with IIS's status.substatus where IIS
 * defines one. The client gets only the status; the operator gets {@link #cause()} and the evidence.
 */
public sealed interface GatewayFailure {

    int status();

    int subStatus();

    /** The error code for pages and logs: an exit status, a signal name or an errno name. */
    String errorCode();

    /** One sentence in plain words. */
    String cause();

    /** Header bytes the program returned before failing (possibly empty); empty when not applicable. */
    default byte[] headerBytes() { return new byte[0]; }

    /** Exited, was killed by a signal, or closed stdout before the blank line ending its headers. */
    record PrematureExit(byte[] headerBytes, String errorCode, String exitDescription) implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 2; }
        public String cause() {
            return "The CGI program ended (" + exitDescription + ") before it sent a complete set of HTTP headers"
                    + (headerBytes.length == 0 ? "; it sent no header at all." : ".");
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
    }

    /** exec failed: missing program or interpreter, not executable, not a known executable format. */
    record LaunchFailed(String errnoName, int errno, String detail) implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 3; }
        public String errorCode() { return errnoName; }
        public String cause() { return "The CGI program could not be started: " + detail + "."; }
    }

    /** No complete header block within the header timeout; the process group was killed. */
    record HeaderTimeout(byte[] headerBytes, Duration timeout, int status) implements GatewayFailure {
        public int subStatus() { return status == 502 ? 1 : 0; }
        public String errorCode() { return "TIMEOUT"; }
        public String cause() {
            return "The CGI program did not send a complete set of HTTP headers within " + seconds(timeout)
                    + "; it was stopped.";
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
    }

    /** Local redirects went round more often than the hop limit allows. */
    record TooManyRedirects(int hops, String lastLocation) implements GatewayFailure {
        public int status() { return 502; }
        public int subStatus() { return 5; }
        public String errorCode() { return "REDIRECT_LOOP"; }
        public String cause() {
            return "The CGI program's local redirects exceeded " + hops + " hops (last Location: " + lastLocation + ").";
        }
    }

    /** All program slots were busy and the wait queue was full or the wait too long. */
    record Overloaded(int maxConcurrent, Duration waited) implements GatewayFailure {
        public int status() { return 503; }
        public int subStatus() { return 2; }
        public String errorCode() { return "CONCURRENCY_LIMIT"; }
        public String cause() {
            return "All " + maxConcurrent + " CGI slots were busy and no slot freed up within " + seconds(waited) + ".";
        }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format("%.3f s", ms / 1000.0);
    }
}
