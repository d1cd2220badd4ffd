package org.tracegate.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the 1-based line on which a key is defined in raw TOML text.
 *
 * <p>Jackson's TOML module builds a tree without locations, so semantic errors found after parsing
 * come back here for their line. A path is the dotted key as the loader names it: segments joined by
 * '.', and an array element as {@code [i]} (0-based), e.g. {@code limits.headerTimeoutSeconds},
 * {@code cgi[1].prefix} (the second {@code [[cgi]]}), {@code listen[0]}, {@code environment.set.APP_ENV}.
 *
 * <p>This is a forgiving scanner, not a parser: it understands {@code [table]} and {@code [[array]]}
 * headers, dotted and quoted keys, inline tables, arrays (also across lines), strings of all four
 * kinds (so a "key = " inside a multi-line string is not taken for a key) and comments. It never
 * throws; on text it cannot follow it simply knows fewer lines. Quoted key segments containing '.'
 * or '[' make their paths ambiguous; lookups then fall back to an enclosing key.
 */
final class TomlLocator {

    /** A key assigned a second time in the same table. */
    record Redefinition(String path, int line, int firstLine) {}

    private final String text;
    private int pos;
    private int line = 1;
    /** Path → line of its first mention (header, key or array element). */
    private final Map<String, Integer> lines = new HashMap<>();
    /** Path of an array of tables → how many [[headers]] it has had so far. */
    private final Map<String, Integer> arrayCounts = new HashMap<>();
    /** Path → line, for keys given a value with "key = value". */
    private final Map<String, Integer> assigned = new HashMap<>();
    private Redefinition redefinition;

    private TomlLocator(String text) { this.text = text; }

    /** Scans {@code text}; never fails. */
    static TomlLocator of(String text) {
        TomlLocator locator = new TomlLocator(text);
        try {
            locator.document();
        } catch (RuntimeException e) {
            // Best effort: keep whatever was found before the scanner lost its way.
        }
        return locator;
    }

    /**
     * The line where {@code path} is defined, or, when it is not written in the file (a missing key,
     * a default), the line of the nearest enclosing key or table that is; 0 when none is.
     */
    int line(String path) {
        for (String p = path; p != null; p = parent(p)) {
            Integer n = lines.get(p);
            if (n != null) return n;
        }
        return 0;
    }

    /** The first key that is assigned twice, if any (Jackson reports these a line late). */
    Optional<Redefinition> redefinition() { return Optional.ofNullable(redefinition); }

    /** {@code a.b[2]} → {@code a.b}, {@code a[1].c} → {@code a[1]}, {@code a} → null. */
    static String parent(String path) {
        if (path.endsWith("]")) {
            int open = path.lastIndexOf('[');
            return open > 0 ? path.substring(0, open) : null;
        }
        int dot = path.lastIndexOf('.');
        return dot > 0 ? path.substring(0, dot) : null;
    }

    static String join(String base, String segment) { return base.isEmpty() ? segment : base + "." + segment; }

    // ---- scanning ----------------------------------------------------------------------------

    private void document() {
        String table = "";
        while (true) {
            skipBlank(true);
            if (eof()) return;
            int before = pos;
            if (peek() == '[') {
                boolean array = peek(1) == '[';
                int headerLine = line;
                pos += array ? 2 : 1;
                List<String> segments = key();
                table = header(segments, array, headerLine);
            } else {
                keyValue(table);
            }
            skipToEndOfLine();
            if (pos == before) next();
        }
    }

    /** Resolves a header's segments to a path, counting [[array]] headers; returns the new table path. */
    private String header(List<String> segments, boolean array, int headerLine) {
        String path = "";
        for (int i = 0; i < segments.size(); i++) {
            path = join(path, segments.get(i));
            if (array && i == segments.size() - 1) {
                int index = arrayCounts.merge(path, 1, Integer::sum) - 1;
                lines.putIfAbsent(path, headerLine);
                path += "[" + index + "]";
            } else if (arrayCounts.containsKey(path)) {
                path += "[" + (arrayCounts.get(path) - 1) + "]"; // [fruit.x] after [[fruit]]: the last fruit
            }
            lines.putIfAbsent(path, headerLine);
        }
        return path;
    }

    private void keyValue(String table) {
        int keyLine = line;
        List<String> segments = key();
        skipBlank(false);
        if (segments.isEmpty() || peek() != '=') return;
        pos++;
        skipBlank(false);
        String path = table;
        for (String segment : segments) {
            path = join(path, segment);
            lines.putIfAbsent(path, keyLine);
        }
        Integer first = assigned.putIfAbsent(path, keyLine);
        if (first != null && redefinition == null) redefinition = new Redefinition(path, keyLine, first);
        value(path);
    }

    private void value(String path) {
        char c = peek();
        if (c == '{') {
            pos++;
            inlineTable(path);
        } else if (c == '[') {
            pos++;
            array(path);
        } else if (c == '"' || c == '\'') {
            string();
        } else {
            while (!eof() && ",]}#\r\n".indexOf(peek()) < 0) pos++;
        }
    }

    private void inlineTable(String path) {
        while (!eof()) {
            skipBlank(true);
            char c = peek();
            if (c == '}') { pos++; return; }
            if (c == ',') { pos++; continue; }
            int before = pos;
            keyValue(path);
            if (pos == before) next();
        }
    }

    private void array(String path) {
        int index = 0;
        while (!eof()) {
            skipBlank(true);
            char c = peek();
            if (c == ']') { pos++; return; }
            if (c == ',') { pos++; continue; }
            String element = path + "[" + index++ + "]";
            lines.putIfAbsent(element, line);
            int before = pos;
            value(element);
            if (pos == before) next();
        }
    }

    /** A possibly dotted key: bare or quoted segments separated by '.', blanks allowed around dots. */
    private List<String> key() {
        List<String> segments = new ArrayList<>();
        while (true) {
            skipBlank(false);
            char c = peek();
            if (c == '"' || c == '\'') {
                segments.add(string());
            } else {
                int start = pos;
                while (!eof() && isBare(peek())) pos++;
                if (pos == start) break;
                segments.add(text.substring(start, pos));
            }
            skipBlank(false);
            if (peek() != '.') break;
            pos++;
        }
        return segments;
    }

    /** Any of the four string forms; returns its (roughly) decoded content, counting lines. */
    private String string() {
        char quote = next();
        String triple = String.valueOf(quote).repeat(3);
        boolean multiline = text.startsWith(triple.substring(1), pos);
        if (multiline) pos += 2;
        StringBuilder sb = new StringBuilder();
        while (!eof()) {
            char c = peek();
            if (multiline ? text.startsWith(triple, pos) : c == quote) {
                pos += multiline ? 3 : 1;
                while (multiline && peek() == quote) sb.append(next()); // """a""""" ends with quotes
                return sb.toString();
            }
            if (c == '\n' && !multiline) return sb.toString(); // unterminated: stop at the line's end
            if (c == '\\' && quote == '"' && pos + 1 < text.length() && text.charAt(pos + 1) != '\n') {
                pos++;
                sb.append(escape(next()));
                continue;
            }
            sb.append(next());
        }
        return sb.toString();
    }

    private String escape(char c) {
        return switch (c) {
            case 'n' -> "\n";
            case 't' -> "\t";
            case 'r' -> "\r";
            case 'b' -> "\b";
            case 'f' -> "\f";
            case 'e' -> "\u001b";
            case 'u', 'U' -> {
                int digits = c == 'u' ? 4 : 8;
                int end = Math.min(pos + digits, text.length());
                try {
                    int cp = Integer.parseInt(text, pos, end, 16);
                    pos = end;
                    yield Character.toString(cp);
                } catch (IllegalArgumentException e) {
                    yield "";
                }
            }
            default -> String.valueOf(c);
        };
    }

    private void skipBlank(boolean newlines) {
        while (!eof()) {
            char c = peek();
            if (c == ' ' || c == '\t' || (newlines && (c == '\r' || c == '\n'))) next();
            else if (c == '#' && newlines) skipToEndOfLine();
            else return;
        }
    }

    /** Skips a trailing comment or anything else up to (not including) the newline. */
    private void skipToEndOfLine() {
        while (!eof() && peek() != '\n') pos++;
    }

    private static boolean isBare(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    private boolean eof() { return pos >= text.length(); }

    private char peek() { return eof() ? '\0' : text.charAt(pos); }

    private char peek(int ahead) { return pos + ahead < text.length() ? text.charAt(pos + ahead) : '\0'; }

    private char next() {
        char c = text.charAt(pos++);
        if (c == '\n') line++;
        return c;
    }
}
