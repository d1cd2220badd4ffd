package org.tracegate.traceformats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a session file. Tolerant where a crashed server leaves marks: no end line, and a last line
 * cut short mid-write ("torn"). Both are reported in {@link SessionContents#problems()}, not thrown,
 * because the events before them are exactly what the operator needs. An unreadable line elsewhere
 * is skipped and reported too. Only a file that is not a session at all is an error.
 */
public final class SessionReader {
    private SessionReader() {}

    public static SessionContents read(Path file) throws IOException {
        return parse(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    /** Whether text looks like a session file (its first line is our header). */
    public static boolean looksLikeSession(String text) {
        String t = text.stripLeading();
        return t.startsWith("{") && t.substring(0, Math.min(t.length(), 200)).contains("\"" + SessionFormat.FORMAT + "\"");
    }

    public static SessionContents parse(String name, String text) throws IOException {
        String[] lines = text.split("\n", -1);
        boolean endsWithNewline = text.endsWith("\n");
        int count = endsWithNewline ? lines.length - 1 : lines.length; // split leaves "" after a final \n
        JsonNode header = count == 0 ? null : tryParse(lines[0]);
        if (header == null || !SessionFormat.FORMAT.equals(header.path("format").asText())) {
            throw new IOException(name + ": not a tracegate session file (no \"format\":\"" + SessionFormat.FORMAT
                    + "\" header on the first line)");
        }
        if (header.path("version").asInt() != SessionFormat.VERSION) {
            throw new IOException(name + ": session format version " + header.path("version").asText()
                    + " is not supported (this build reads version " + SessionFormat.VERSION + ")");
        }
        List<String> areas = new ArrayList<>();
        header.path("filter").path("areas").forEach(a -> areas.add(a.asText()));
        JsonNode url = header.path("filter").path("url");

        List<RecordedEvent> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        SessionContents.End end = null;
        for (int i = 1; i < count; i++) {
            String line = lines[i];
            if (line.isBlank()) continue;
            boolean last = i == count - 1;
            JsonNode n = tryParse(line);
            if (n == null) {
                problems.add(last && !endsWithNewline
                        ? "the last line (" + (i + 1) + ") is torn: the writer stopped mid-line (crash or kill)"
                        : "line " + (i + 1) + " is not valid JSON; skipped");
                continue;
            }
            if (n.has("end")) {
                end = new SessionContents.End(Instant.parse(n.get("end").asText()), n.path("events").asLong(),
                        n.path("dropped").asLong(), n.path("truncated").asBoolean());
                continue;
            }
            try {
                events.add(SessionFormat.parseEvent(n));
            } catch (RuntimeException e) {
                problems.add("line " + (i + 1) + " is not an event (" + e.getMessage() + "); skipped");
            }
        }
        if (end == null) {
            problems.add("no end line: the session was not stopped (the server crashed, was killed, or is still "
                    + "recording); events queued but not yet written are lost");
        }
        return new SessionContents(Instant.parse(header.path("started").asText()), url.isTextual() ? url.asText() : null,
                areas, header.path("maxBytes").asLong(), events, end, problems);
    }

    private static JsonNode tryParse(String line) {
        try {
            JsonNode n = SessionFormat.JSON.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
