package org.tracegate.accesslog;

import java.time.Instant;
import java.time.LocalDate;
import java.util.function.Function;

/**
 * What differs between log formats; everything else ({@link RollingLog}) is shared.
 *
 * @param baseName the day's file name without index and extension, e.g. {@code u_ex260301}
 * @param header lines (each ending in '\n') written whenever a file is opened, "" for none
 * @param line one record, without the '\n'
 */
record LineFormat(Function<LocalDate, String> baseName, Function<Instant, String> header,
        Function<AccessRecord, String> line) {
}
