package org.tracegate.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tracegate.files.ServerFiles;

/**
 * How `tracegate trace …`, `requests` and `status` find a running server: a runtime file in the log directory
 * holding the operator listener's address, and a token file only the server's user can read. Both are removed on a clean stop. One server
 * per directory: {@link ServerLock} keeps a second from writing over the first one's files.
 */
public final class RuntimeFiles {
    public static final String RUNTIME = "tracegate.runtime.json";
    public static final String TOKEN = "admin.token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RuntimeFiles() {}

    /** The directory for runtime files: the log directory, or a per-user one under /tmp when none is set. */
    public static Path directory(Path logDir) {
        if (logDir != null) return logDir.toAbsolutePath().normalize();
        return Path.of(System.getProperty("java.io.tmpdir"), "tracegate-" + System.getProperty("user.name"));
    }

    /** A fresh random admin token (256 bits, hex). */
    public static String newToken() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }

    /**
     * Writes the token (0600) and then the runtime file, each atomically. Called only once every listener is
     * bound: a server that fails to start must leave the files of the one already running here untouched.
     */
    public static void write(Path dir, String token, String operatorUrl, Iterable<String> urls) throws IOException {
        ServerFiles.directory(dir);
        ServerFiles.replace(dir.resolve(TOKEN), token.getBytes(StandardCharsets.US_ASCII), ServerFiles.SECRET);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", ProcessHandle.current().pid());
        m.put("operator", operatorUrl);
        m.put("admin", operatorUrl + "admin/");
        m.put("listen", urls);
        m.put("started", java.time.Instant.now().toString());
        ServerFiles.replace(dir.resolve(RUNTIME), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m),
                ServerFiles.FILE);
    }

    public static void remove(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(RUNTIME));
            Files.deleteIfExists(dir.resolve(TOKEN));
        } catch (IOException ignored) {
            // Best effort: a stale file names a dead pid, which the client reports.
        }
    }

    /** The running server's admin URL and token, or an exception saying plainly what is missing. */
    public static Endpoint find(Path dir) throws IOException {
        Path runtime = dir.resolve(RUNTIME);
        if (!Files.isRegularFile(runtime)) {
            throw new IOException("no running server found: " + runtime + " does not exist (start one with "
                    + "`tracegate serve --log-dir " + dir + "`, and pass the same --log-dir here)");
        }
        JsonNode n = JSON.readTree(runtime.toFile());
        long pid = n.path("pid").asLong();
        if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
            throw new IOException("the server recorded in " + runtime + " (pid " + pid + ") is not running");
        }
        String token = Files.readString(dir.resolve(TOKEN)).trim();
        String operator = n.path("operator").asText(n.path("admin").asText().replaceFirst("admin/$", ""));
        return new Endpoint(operator, token, pid);
    }

    /** @param operatorUrl the operator listener, "http://127.0.0.1:PORT/" */
    public record Endpoint(String operatorUrl, String token, long pid) {
        /** The trace-session API under it. */
        public String adminUrl() { return operatorUrl + "admin/"; }
    }
}
