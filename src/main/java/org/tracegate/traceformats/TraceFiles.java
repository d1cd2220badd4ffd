package org.tracegate.traceformats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.tracegate.traceformats.SessionContents;
import org.tracegate.traceformats.SessionReader;

/**
 * Reads any supported trace file, recognized by its content rather than its name (IIS names both
 * FREB files and ETW dumps {@code .xml}, and people rename logs).
 */
public final class TraceFiles {
    private static final Pattern W3C_FIELDS = Pattern.compile("(?m)^#Fields:");

    private TraceFiles() {}

    /** Throws with a message naming the file and why it cannot be read. */
    public static TraceFile load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        if (!Files.isReadable(file)) throw new IOException(file + ": permission denied");
        String text = decode(Files.readAllBytes(file));
        if (SessionReader.looksLikeSession(text)) {
            SessionContents s = SessionReader.parse(file.toString(), text);
            return new TraceFile(file, "session", s.events(), 500, s.problems());
        }
        if (text.contains("<failedRequest")) return FrebReader.read(file, text);
        if (text.contains("<ROW>") || text.contains("<ROW ")) return EtwRowsReader.read(file, text);
        if (W3C_FIELDS.matcher(text).find()) return W3cLogReader.read(file, text);
        throw new IOException(file + ": not a recognized trace file (expected a Tracegate session, IIS ETW "
                + "<ROW> XML, a FREB fr*.xml file or a W3C extended log with a #Fields: line)");
    }

    /** UTF-8 unless a byte-order mark says UTF-16 (Log Parser writes "ISO-10646-UCS-2"). */
    static String decode(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        }
        int start = b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF ? 3 : 0;
        return new String(b, start, b.length - start, StandardCharsets.UTF_8);
    }
}
