package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.config.ConfigLoader;
import org.tracegate.config.ServerConfig;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/** Name-based virtual hosts over real HTTP: the Host header (or an absolute-form target) chooses the [[site]]. */
class VirtualHostTest {
    static Path dir;
    static TestServer ts;
    static final Map<String, RequestTrace> traces = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tracegate-vhosts-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("www-a"));
        Files.writeString(dir.resolve("www-a/index.html"), "site a\n");
        Files.createDirectories(dir.resolve("www-b"));
        Files.writeString(dir.resolve("www-b/index.html"), "site b\n");
        Path cgi = Files.createDirectories(dir.resolve("cgi-b"));
        Path hello = cgi.resolve("who.sh");
        Files.writeString(hello, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\nb says %s %s\\n' \"$SERVER_NAME\" \"$SERVER_PORT\"\n");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("t.toml"), """
                logDir = "logs"

                [[site]]
                hosts = ["a.test"]
                documentRoot = "www-a"

                [[site]]
                hosts = ["b.test", "*.b.test"]
                documentRoot = "www-b"
                [[site.cgi]]
                prefix = "/cgi-bin/"
                directory = "cgi-b"
                """);
        ServerConfig config = ConfigLoader.load(dir.resolve("t.toml"));
        ts = TestServer.startWith(config, t -> traces.put(t.context().requestId(), t));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ts != null) ts.close();
    }

    /** A raw request: Java's HttpClient does not let a caller set Host. */
    private record Answer(int statusCode, String headers, String body) {
        String requestId() {
            return headers.lines().filter(l -> l.regionMatches(true, 0, "X-Request-Id:", 0, 13)).findFirst().orElseThrow()
                    .substring(13).strip();
        }
    }

    private Answer get(String host, String path) throws Exception {
        String raw = ts.raw("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        int end = raw.indexOf("\r\n\r\n");
        String body = raw.substring(end + 4);
        if (raw.substring(0, end).toLowerCase().contains("transfer-encoding: chunked")) body = ChunkedBodyProperties.dechunk(body);
        return new Answer(Integer.parseInt(raw.substring(9, 12)), raw.substring(0, end), body);
    }

    @Test
    void theHostChoosesTheSite() throws Exception {
        assertThat(get("a.test", "/").body()).isEqualTo("site a\n");
        assertThat(get("b.test:8080", "/").body()).isEqualTo("site b\n");
        assertThat(get("WWW.B.Test", "/").body()).isEqualTo("site b\n");
        assertThat(get("b.test", "/cgi-bin/who.sh").body()).isEqualTo("b says b.test " + ts.port() + "\n");
    }

    @Test
    void aHostNoSiteNamesGetsTheFirstSite() throws Exception {
        assertThat(get("elsewhere.test", "/").body()).isEqualTo("site a\n");
        // Site a maps no /cgi-bin/: site b's programs are not reachable through another name.
        assertThat(get("a.test", "/cgi-bin/who.sh").statusCode()).isEqualTo(404);
    }

    @Test
    void anAbsoluteFormTargetsAuthorityChoosesTheSite() throws Exception {
        String raw = ts.raw("GET http://b.test/ HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 200").endsWith("site b\n");
    }

    @Test
    void eachSiteHasItsIdAndItsOwnAccessLog() throws Exception {
        String id = get("b.test", "/").requestId();
        for (int i = 0; i < 100 && !traces.containsKey(id); i++) Thread.sleep(20);
        assertThat(traces.get(id).first(TraceEvent.GeneralRequestStart.class).siteId()).isEqualTo(2);
        Path siteLog = dir.resolve("logs/W3SVC2");
        String log = "";
        for (int i = 0; i < 100 && !log.contains(id); i++) {
            Thread.sleep(50);
            if (Files.isDirectory(siteLog)) {
                try (var files = Files.list(siteLog)) {
                    for (Path f : files.toList()) log += Files.readString(f);
                }
            }
        }
        assertThat(log).contains("#Fields:").containsIgnoringCase(id);
    }
}
