package org.tracegate.config;

import java.nio.file.Path;

/** A configuration error, naming the file, line and key when there is one. */
public final class ConfigException extends Exception {
    public ConfigException(String message) { super(message); }

    public ConfigException(Path file, int line, String key, String problem) {
        super((file == null ? "" : file + (line > 0 ? ":" + line : "") + ": ")
                + (key == null ? "" : "key '" + key + "': ") + problem);
    }
}
