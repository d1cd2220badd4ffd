package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tracegate.accesslog.W3cLogWriter;
import org.tracegate.admin.SessionManager;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.FailedRequestTracing;
import org.tracegate.config.ServerConfig;
import org.tracegate.config.TraceRule;
import org.tracegate.failtrace.FailedRequestTracer;
import org.tracegate.process.ProcessLauncher;
import org.tracegate.trace.ErrorLog;
import org.tracegate.trace.TraceSink;

/**
 * The server's own files — error and access logs, failed-request traces, a session file, the runtime file and
 * the admin token — are out of a program's reach even when the operator's log directory is world-readable: a
 * CGI program (running as nobody) tries to read each and gets nothing.
 */
class ServerFilesTest {

    @Test
    void aProgramCannotReadAnyOfTheServersFiles() throws Exception {
        Path logs = Files.createTempDirectory("tracegate-own-files-");
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-xr-x")); // as an operator might
        Path cgi = Files.createTempDirectory("tracegate-reader-");
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path reader = cgi.resolve("reader.sh");
        // Reads every file under the log dir it is given in the query string; says READ or DENIED for each.
        Files.writeString(reader, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nid -u\n"
                + "for f in $(echo \"$QUERY_STRING\" | tr ',' ' '); do if cat \"$f\" >/dev/null 2>&1; then echo \"READ $f\";"
                + " else echo \"DENIED $f\"; fi; done\n");
        Files.setPosixFilePermissions(reader, PosixFilePermissions.fromString("rwxr-xr-x"));

        ServerConfig config = TestServer.baseConfig().withCgi(List.of(new CgiMapping("/r/", cgi, false)))
                .withLogDir(logs).withFailedRequestTracing(new FailedRequestTracing(true, null, 50, 512,
                        List.of(TraceRule.forStatusCodes("200-599"))));
        W3cLogWriter access = new W3cLogWriter(logs);
        SessionManager sessions = new SessionManager(logs.resolve("sessions"));
        try (ErrorLog errors = ErrorLog.toDirectory(logs)) {
            FailedRequestTracer freb = FailedRequestTracer.editable(config, errors);
            TracegateServer server = new TracegateServer(config, ProcessLauncher.platformDefault(), errors,
                    TraceSink.all(List.of(freb, sessions), errors), sessions, access);
            server.start();
            try {
                sessions.start(null, List.of(), null, SessionManager.DEFAULT_MAX_BYTES);
                HttpClient client = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.addresses().getFirst().getPort();
                client.send(HttpRequest.newBuilder(URI.create(base + "/r/reader.sh?first")).build(),
                        HttpResponse.BodyHandlers.ofString());
                Thread.sleep(1_000); // the trace, session and log writers have written by now
                List<Path> files = files(logs);
                assertThat(files).extracting(p -> p.getFileName().toString())
                        .contains("error.log", "admin.token", "tracegate.runtime.json")
                        .anyMatch(n -> n.startsWith("u_ex")).anyMatch(n -> n.matches("fr\\d+\\.xml"))
                        .anyMatch(n -> n.endsWith(".jsonl"));
                String query = String.join(",", files.stream().map(Path::toString).toList());
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/r/reader.sh?" + query))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.body().lines().findFirst()).hasValue("65534");
                assertThat(r.body()).doesNotContain("READ ");
                assertThat(r.body().lines().filter(l -> l.startsWith("DENIED "))).hasSize(files.size());
                for (Path f : files) {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(f);
                    assertThat(mode).as("%s is not for others", f).doesNotContain(PosixFilePermission.OTHERS_READ,
                            PosixFilePermission.OTHERS_WRITE);
                }
                assertThat(Files.getPosixFilePermissions(logs.resolve("admin.token")))
                        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            } finally {
                sessions.stop();
                server.close();
                freb.close();
                access.close();
            }
        }
    }

    private static List<Path> files(Path dir) throws Exception {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).forEach(out::add);
        }
        return out;
    }
}
