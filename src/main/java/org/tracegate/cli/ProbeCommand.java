package org.tracegate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tracegate.offline.OfflineRequest;
import org.tracegate.offline.OfflineReport;
import org.tracegate.offline.OfflineResult;
import org.tracegate.offline.OfflineRunner;
import org.tracegate.offline.Probe;
import org.tracegate.offline.RunAs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracegate probe PROGRAM [--method M] [--query Q] [--body FILE] [--env K=V]... [--path-info P]}. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Run one CGI program offline with a synthetic request, through the server's own environment "
                + "builder and strict header parser, and print a lint report: the headers it sent, every problem "
                + "with its line and the bytes quoted, its exit status or signal, stderr and timing. No server needed.",
                "Exit status: 0 a server would relay its response, 1 it would not, 2 bad usage."})
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROGRAM", description = "The CGI program (an executable file).")
    Path program;

    @Option(names = "--method", paramLabel = "M", defaultValue = "GET", description = "REQUEST_METHOD (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--query", paramLabel = "Q", defaultValue = "", description = "QUERY_STRING, without '?'.")
    String query;

    @Option(names = "--path-info", paramLabel = "P", defaultValue = "", description = "PATH_INFO, starting with '/'.")
    String pathInfo;

    @Option(names = "--body", paramLabel = "FILE", description = "The request body, from this file.")
    Path body;

    @Option(names = "--content-type", paramLabel = "TYPE", defaultValue = "application/x-www-form-urlencoded",
            description = "CONTENT_TYPE sent with --body (default ${DEFAULT-VALUE}).")
    String contentType;

    @Option(names = "--env", paramLabel = "K=V", description = "Set a variable (after the CGI ones, so it wins).")
    List<String> env = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Header and idle timeout; the total timeout is four times it (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws IOException {
        var vars = EnvOption.parse(env, spec.commandLine());
        if (!Files.isRegularFile(program)) {
            spec.commandLine().getErr().println("tracegate probe: " + program + ": "
                    + (Files.exists(program) ? "not a regular file" : "no such file"));
            return 2;
        }
        if (!pathInfo.isEmpty() && !pathInfo.startsWith("/")) {
            spec.commandLine().getErr().println("tracegate probe: --path-info must start with '/': " + pathInfo);
            return 2;
        }
        byte[] bytes = null;
        if (body != null) {
            try {
                bytes = Files.readAllBytes(body);
            } catch (IOException e) {
                spec.commandLine().getErr().println("tracegate probe: --body " + body + ": cannot read: " + e.getMessage());
                return 2;
            }
        }
        RunAs.Who who;
        try {
            who = RunAs.forProbe();
        } catch (IllegalArgumentException e) { // nobody cannot be switched to (Credentials)
            spec.commandLine().getErr().println("tracegate probe: " + e.getMessage());
            return 1;
        }
        OfflineRequest r = Probe.request(program, method, query, pathInfo, bytes, contentType, vars, who);
        if (who.note() != null) spec.commandLine().getOut().println("Note        " + who.note());
        OfflineResult result = new OfflineRunner(OfflineRunner.defaultLauncher(),
                Duration.ofSeconds(Math.max(1, timeoutSeconds))).run(r);
        OfflineReport.print(r, result, spec.commandLine().getOut());
        return result.relayed() ? 0 : 1;
    }
}
