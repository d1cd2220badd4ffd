package org.tracegate.gateway.cgi;

import org.tracegate.gateway.GatewayFailure;

/** How a CGI request ended, as the HTTP layer needs to know it. */
public sealed interface CgiOutcome {

    ProgramReport report();

    /** The response was sent in full with this status. */
    record Completed(int status, ProgramReport report) implements CgiOutcome {}

    /** Nothing was sent: answer with the failure's status and error page. */
    record Failed(GatewayFailure failure, ProgramReport report) implements CgiOutcome {}

    /** The response had started and was cut short; the connection must be aborted, not ended cleanly. */
    record Aborted(int status, String reason, ProgramReport report) implements CgiOutcome {}

    /** The program asked for a local redirect: serve {@code location} internally as a GET. */
    record LocalRedirect(String location, ProgramReport report) implements CgiOutcome {}
}
