package org.tracegate.http;

import java.util.List;
import org.tracegate.gateway.GatewayFailure;

/** Plain-words causes and advice for each way a request can fail. */
final class Problems {
    private Problems() {}

    static List<String> thingsToTry(GatewayFailure f) {
        return switch (f) {
            case GatewayFailure.PrematureExit p -> List.of(
                    "Read the program's stderr below and in error.log (lines tagged with this request id).",
                    "Run the program by hand with the same environment (see docs/failures.md) and check it prints its headers and a blank line before doing any slow or risky work.",
                    p.exitDescription().startsWith("signal")
                            ? "The program was killed by a signal: look for a crash (core dump, dmesg) or an external kill (OOM killer, ulimit)."
                            : "A non-zero exit status usually means the program hit an error it reported on stderr.");
            case GatewayFailure.InvalidHeaders i -> List.of(
                    "Fix the quoted header line: a header is Name: value, the name a token without spaces, the value without control characters.",
                    "End the header block with an empty line, and send Content-Type, Location or Status.",
                    "Do not send Transfer-Encoding: the server frames the response itself.");
            case GatewayFailure.LaunchFailed l -> List.of(
                    switch (l.errnoName()) {
                        case "ENOENT" -> "Check the shebang line (#!) names an interpreter that exists, and that the program file exists.";
                        case "ENOEXEC" -> "The file is not a binary the kernel can run and has no #! line: add one, or map its extension to an interpreter.";
                        case "EACCES" -> "Check the execute permission of the program, of its interpreter and of every directory on the path.";
                        default -> "Check the program and its interpreter can be executed by the server's user.";
                    },
                    "Try running it by hand as the server's user: the same errno will appear.");
            case GatewayFailure.HeaderTimeout t -> List.of(
                    "The program took too long before sending its headers: make it send them before slow work, or raise limits.headerTimeoutSeconds.",
                    "Check what it waits for: a database, a lock, a network call, or reading a request body that never comes.");
            case GatewayFailure.ResponseBroken b -> List.of(
                    "The program's output stopped after its headers: check its stderr and what it waits for.",
                    "A declared Content-Length must match the body exactly; leave it out if the size is not known.");
            case GatewayFailure.TooManyRedirects r -> List.of(
                    "The program answers with a local Location that leads back to itself: check the redirect target.");
            case GatewayFailure.Overloaded o -> List.of(
                    "Retry later (see Retry-After).",
                    "Raise limits.maxConcurrent or limits.queueSize if the machine has room, or find what keeps programs running long.");
        };
    }

    static List<String> refusalAdvice(int status, int sub) {
        return switch (status * 10 + sub) {
            case 4040 -> List.of("Check the URL names a program that exists in the mapped directory.");
            case 4031 -> List.of("Make the program executable (chmod +x) or map its extension to an interpreter.");
            case 4042 -> List.of("Add the program (or its interpreter) to restrictions.allowed if it should run.");
            case 4050 -> List.of("Add the method to the interpreter mapping's verbs if it should be allowed.");
            case 4130 -> List.of("Send a smaller body, or raise limits.maxRequestBodyBytes.");
            default -> List.of("Check the request URL.");
        };
    }
}
