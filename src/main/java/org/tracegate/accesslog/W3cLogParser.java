package org.tracegate.accesslog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads W3C extended log files, ours or IIS's: any {@code #Fields} order, any number of header blocks
 * (each {@code #Fields} applies to the rows after it). Each row becomes an unmodifiable map from field
 * name, as spelled in {@code #Fields}, to value in field order. {@code -} becomes "" (the key stays, so
 * "logged but empty" differs from "not logged"); {@code +} and {@code %XX} are left as written.
 */
public final class W3cLogParser {
    private W3cLogParser() {}

    /** Reads as UTF-8; undecodable bytes become U+FFFD rather than failing the whole file. */
    public static List<Map<String, String>> parse(Path file) throws IOException {
        try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            return parse(in);
        }
    }

    /**
     * @throws IllegalArgumentException for a row before any {@code #Fields} or with the wrong number
     *     of fields, naming the line: a torn row is better reported than silently misaligned
     */
    public static List<Map<String, String>> parse(Reader reader) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> fields = null;
        int lineNo = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
            if (line.isBlank()) continue;
            if (line.startsWith("#")) {
                if (line.startsWith("#Fields:")) fields = List.of(line.substring(8).trim().split(" +"));
                continue; // #Software, #Version, #Date, #Remark: not needed per row
            }
            if (fields == null) throw new IllegalArgumentException("line " + lineNo + ": row before any #Fields");
            String[] values = line.split(" ", -1);
            if (values.length != fields.size()) {
                throw new IllegalArgumentException("line " + lineNo + ": " + fields.size() + " fields in #Fields, "
                        + values.length + " in the row: " + line);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) row.put(fields.get(i), values[i].equals("-") ? "" : values[i]);
            rows.add(Collections.unmodifiableMap(row));
        }
        return rows;
    }

    /** Undoes the writer's space → {@code +}; a {@code +} that was in the value also becomes a space. */
    public static String decodePlus(String value) {
        return value == null ? null : value.replace('+', ' ');
    }

    /** The row's {@code date} and {@code time} (UTC in W3C logs) as an instant. */
    public static Instant time(Map<String, String> row) {
        return LocalDate.parse(row.get("date")).atTime(LocalTime.parse(row.get("time"))).toInstant(ZoneOffset.UTC);
    }
}
