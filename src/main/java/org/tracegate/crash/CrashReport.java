package org.tracegate.crash;

import java.nio.file.Path;

/**
 * A crash's evidence once collected.
 *
 * @param core      the kept core file, or null
 * @param coreBytes its size
 * @param backtrace what gdb read from it, or null
 * @param problem   why something is missing (no core, no gdb, gdb failed), or null
 */
public record CrashReport(Path core, long coreBytes, Backtrace backtrace, String problem) {}
