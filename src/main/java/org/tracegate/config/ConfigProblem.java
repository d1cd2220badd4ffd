package org.tracegate.config;

import java.nio.file.Path;

/**
 * One mistake in the configuration: {@code file:line: key 'a.b': problem}, each part left out when unknown
 * (a flag has no file, an unreadable file no line, a syntax error no key).
 *
 * @param file    the config file, or null for a command-line flag
 * @param line    1-based, or 0 when not known
 * @param key     the dotted key, e.g. {@code cgi[1].prefix}, or null
 * @param problem what is wrong, in words
 */
public record ConfigProblem(Path file, int line, String key, String problem) {
    /** A problem with no file, line or key: a flag, say ("--cgi: expected URL_PREFIX=DIRECTORY, got 'x'"). */
    public static ConfigProblem of(String message) { return new ConfigProblem(null, 0, null, message); }

    @Override
    public String toString() {
        return (file == null ? "" : file + (line > 0 ? ":" + line : "") + ": ")
                + (key == null ? "" : "key '" + key + "': ") + problem;
    }
}
