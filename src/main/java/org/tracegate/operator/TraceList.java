package org.tracegate.operator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The traces on disk: the FREB index of each W3SVC directory (index.json, which the tracer rewrites atomically) and
 * the session files, newest first, filtered by status.substatus, URL and age.
 */
final class TraceList {
    private static final Pattern SITE_DIR = Pattern.compile("W3SVC\\d{1,9}");
    private static final Pattern FREB_FILE = Pattern.compile("fr\\d{6,18}\\.(xml|htm)");

    private TraceList() {}

    /**
     * One failed-request trace.
     *
     * @param href the in-browser FREB view on the operator listener
     */
    record Freb(String site, String file, String time, String verb, String url, String statusCode, String failureReason,
                long timeTakenMillis, String href) {}

    record Session(String file, long bytes, String modified) {}

    /**
     * @param status "502" matches 502 and every 502.x; "502.2" only that
     * @param url    a substring of the URL, or null
     * @param maxAge only traces younger than this, or null
     */
    record Filter(String status, String url, Duration maxAge) {
        boolean matches(Freb f) {
            if (status != null && !status.isEmpty()
                    && !(f.statusCode().equals(status) || f.statusCode().startsWith(status + "."))) return false;
            if (url != null && !url.isEmpty() && !f.url().contains(url)) return false;
            if (maxAge != null) {
                try {
                    if (Instant.parse(f.time()).isBefore(Instant.now().minus(maxAge))) return false;
                } catch (RuntimeException unparsable) {
                    return false;
                }
            }
            return true;
        }
    }

    static List<Freb> freb(Path dir, Filter filter, int limit) {
        List<Freb> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> sites = Files.newDirectoryStream(dir)) {
            for (Path site : sites) {
                String name = site.getFileName().toString();
                Path index = site.resolve("index.json");
                if (!SITE_DIR.matcher(name).matches() || !Files.isRegularFile(index)) continue;
                for (JsonNode e : Replies.JSON.readTree(index.toFile())) {
                    String html = e.path("html").asText();
                    Freb f = new Freb(name, e.path("file").asText(), e.path("time").asText(), e.path("verb").asText(),
                            e.path("url").asText(), e.path("statusCode").asText(), e.path("failureReason").asText(),
                            e.path("timeTaken").asLong(), "/traces/" + name + "/" + html);
                    if (filter.matches(f)) out.add(f);
                }
            }
        } catch (IOException e) {
            // An index being replaced or unreadable: the listing shows what could be read.
        }
        out.sort(Comparator.comparing(Freb::time).reversed());
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    static List<Session> sessions(Path dir) {
        List<Session> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
            for (Path f : files) {
                out.add(new Session(f.toString(), Files.size(f), Files.getLastModifiedTime(f).toInstant().toString()));
            }
        } catch (IOException e) {
            // As above.
        }
        out.sort(Comparator.comparing(Session::modified).reversed());
        return out;
    }

    /** The FREB file {@code site/file} under {@code dir}, or null when the names are not a FREB file's (no traversal). */
    static Path frebFile(Path dir, String site, String file) {
        if (dir == null || !SITE_DIR.matcher(site).matches() || !FREB_FILE.matcher(file).matches()) return null;
        Path p = dir.resolve(site).resolve(file);
        return Files.isRegularFile(p) ? p : null;
    }
}
