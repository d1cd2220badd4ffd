package org.tracegate.offline;

import java.util.List;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.gateway.cgi.ResponseHead;

/**
 * What one offline run found.
 *
 * @param outcome      the gateway's verdict, exactly as a server would have judged the run
 * @param status       the status the relay committed (-1 when none was)
 * @param reason       its reason phrase from a Status header, or null
 * @param headers      the headers the relay would have sent (Status removed)
 * @param bodyBytes    response body bytes the program sent after its head
 * @param bodyStart    the first of them (at most {@link CapturedResponse#KEPT})
 * @param problems     every header problem, the first being the one the server would have answered with
 * @param head         the header block as the program wrote it, up to and with the blank line (when it stopped
 *                     being read at a bad line, as much as it had written by then)
 */
public record OfflineResult(CgiOutcome outcome, int status, String reason, List<ResponseHead.Header> headers,
                            long bodyBytes, byte[] bodyStart, List<HeaderLint.Problem> problems, byte[] head) {

    /** Whether a server would have relayed a response (a local redirect it would have followed counts). */
    public boolean relayed() {
        return outcome instanceof CgiOutcome.Completed || outcome instanceof CgiOutcome.LocalRedirect;
    }

    /** The failure a server would have answered with, or null. */
    public GatewayFailure failure() {
        return outcome instanceof CgiOutcome.Failed f ? f.failure() : null;
    }

    /** "502.2" for a failure, "200" for a relayed response, the status for an aborted one. */
    public String statusCode() {
        return switch (outcome) {
            case CgiOutcome.Failed f -> f.failure().statusCode();
            case CgiOutcome.Completed c -> Integer.toString(c.status());
            case CgiOutcome.Aborted a -> Integer.toString(a.status());
            case CgiOutcome.LocalRedirect r -> "local redirect";
        };
    }

    /** The cause sentence: the failure's own, the abort's reason, or null when the response was relayed. */
    public String cause() {
        return switch (outcome) {
            case CgiOutcome.Failed f -> f.failure().cause();
            case CgiOutcome.Aborted a -> "The response was cut off: " + a.reason() + ".";
            default -> null;
        };
    }
}
