package org.tracegate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tracegate requests end ID}: ends one request's program or FastCGI exchange; its client gets 502.7. */
@Command(name = "end", mixinStandardHelpOptions = true,
        description = "End one request in flight: its CGI program's process group is stopped, or its FastCGI exchange aborted, and the client answered 502.7.")
final class RequestsEndCommand implements Callable<Integer> {

    @Option(names = "--log-dir", paramLabel = "DIR", description = "The running server's --log-dir.")
    Path logDir;

    @Parameters(paramLabel = "ID", description = "The request id (from `tracegate requests`, X-Request-Id, the error log).")
    String id;

    @Override
    public Integer call() {
        if (!id.matches("[0-9a-f-]{36}")) {
            System.err.println("tracegate: requests end: not a request id: '" + id + "'");
            return 2;
        }
        try {
            new AdminClient(logDir).operator("POST", "api/v1/requests/" + id + "/end", null);
            System.out.println("ended request " + id);
            return 0;
        } catch (Exception e) {
            System.err.println("tracegate: requests end: " + e.getMessage());
            return 1;
        }
    }
}
