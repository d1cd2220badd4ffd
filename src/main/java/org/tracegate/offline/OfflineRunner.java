package org.tracegate.offline;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.Limits;
import org.tracegate.config.ProgramLimits;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.ProgramPolicy;
import org.tracegate.gateway.cgi.CgiGateway;
import org.tracegate.gateway.cgi.CgiOutcome;
import org.tracegate.gateway.cgi.ResponseHeadParser;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.process.Watchdog;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.RequestContext;
import org.tracegate.trace.RequestTrace;

/**
 * Runs one program offline through the gateway's own flow ({@link CgiGateway}): the same launcher and user switch,
 * pumps, deadlines, strict head parser, body relay and failure judgement as a server, with the response captured
 * instead of sent. What the server would have written to its error log is dropped: the report shows the program's
 * stderr itself.
 */
public final class OfflineRunner {
    private final ProcessLauncher launcher;
    private final Limits limits;

    /**
     * @param timeout the header and idle timeout (a server's are 30 and 60 s); the total timeout is four times it, so
     *                a program silent from the start is reported as a header timeout (502.1), as a server would
     */
    public OfflineRunner(ProcessLauncher launcher, Duration timeout) {
        this.launcher = launcher;
        this.limits = Limits.defaults().withHeaderTimeout(timeout).withIdleTimeout(timeout)
                .withTotalTimeout(timeout.multipliedBy(4))
                .withKillGrace(Duration.ofSeconds(1));
    }

    /** The platform's launcher (as root: the spawn helper, which switches users as the server's does). */
    public static ProcessLauncher defaultLauncher() {
        return ProcessLauncher.platformDefault(message -> {});
    }

    public OfflineResult run(OfflineRequest r) {
        ResponseHeadParser.Limits headerLimits = new ResponseHeadParser.Limits(limits.headerLineBytes(),
                limits.headerLines(), limits.headerBlockBytes());
        StdoutCopy copy = new StdoutCopy(launcher, limits.headerBlockBytes() + 2);
        CapturedResponse sink = new CapturedResponse();
        ErrorLog quiet = ErrorLog.to(new PrintStream(OutputStream.nullOutputStream()));
        ProgramPolicy policy = new ProgramPolicy(r.runAs(), r.runAsText(), ProgramPolicy.rlimitsOf(ProgramLimits.defaults()),
                ProgramLimits.defaults(), false, EnvironmentPolicy.defaults());
        RequestTrace trace = new RequestTrace(new RequestContext(UUID.randomUUID(), 1, "offline", 0, 0));
        CgiOutcome outcome;
        try (Watchdog watchdog = new Watchdog(message -> {})) {
            CgiGateway gateway = new CgiGateway(copy, watchdog, quiet, limits, EnvironmentPolicy.defaults(), Map.of());
            outcome = gateway.serve(r.request(), r.argv(), r.environment(), r.cwd(), policy,
                    r.body() == null ? null : new ByteArrayInputStream(r.body()), sink, trace);
        }
        List<HeaderLint.Problem> problems = outcome instanceof CgiOutcome.Failed f
                && f.failure() instanceof GatewayFailure.InvalidHeaders && !sink.raw
                ? HeaderLint.problems(copy.bytes(), headerLimits) : List.of();
        byte[] head = HeaderLint.head(copy.bytes());
        if (head.length < outcome.report().headerBytes().length) head = outcome.report().headerBytes();
        return new OfflineResult(outcome, sink.status, sink.reason, sink.headers, sink.bodyBytes(), sink.firstBytes(),
                problems, head);
    }
}
