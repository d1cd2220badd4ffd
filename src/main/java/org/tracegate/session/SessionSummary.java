package org.tracegate.session;

import java.nio.file.Path;

/**
 * What a stopped session wrote.
 *
 * @param events    event lines written
 * @param dropped   events not written: queue full, over {@code maxBytes}, or after close
 * @param bytes     the file's size, end line included
 * @param truncated whether {@code maxBytes} was reached
 */
public record SessionSummary(Path file, long events, long dropped, long bytes, boolean truncated) {}
