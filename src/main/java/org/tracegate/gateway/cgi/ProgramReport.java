package org.tracegate.gateway.cgi;

import org.tracegate.crash.CrashCapture;
import org.tracegate.process.EndedBy;
import org.tracegate.process.ExitStatus;

/**
 * What one program run did, for every request, success included: the evidence behind error pages,
 * logs and traces.
 *
 * @param pid             process id, or -1 when it never started
 * @param commandLine     the exact argv, quoted
 * @param exit            how it ended, or null when it never started
 * @param endedBy         who ended it
 * @param bytesFromClient request body bytes read from the client (all of them, even those the program did not read)
 * @param bytesToProgram  request body bytes the program actually accepted on stdin
 * @param headerBytes     the header block bytes it returned (bounded)
 * @param bodyBytes       response body bytes relayed to the client
 * @param stderrTail      the last 8 KiB of its stderr, decoded leniently
 * @param elapsedNanos    from launch to reap
 * @param limit           the configured limit that ended or crippled the run, as a clause ("exceeded its CPU
 *                        limit of 2 s"), or ""
 * @param runAs           who it ran as, e.g. "nobody:nogroup (uid 65534, gid 65534, no supplementary groups)"
 * @param crash           a crash's evidence (its core and the backtrace to come), or null when it did not crash
 */
public record ProgramReport(long pid, String commandLine, ExitStatus exit, EndedBy endedBy, long bytesFromClient,
                            long bytesToProgram, byte[] headerBytes, long bodyBytes, String stderrTail,
                            long elapsedNanos, String limit, String runAs, CrashCapture crash) {

    public ProgramReport(long pid, String commandLine, ExitStatus exit, EndedBy endedBy, long bytesFromClient,
                         long bytesToProgram, byte[] headerBytes, long bodyBytes, String stderrTail, long elapsedNanos,
                         String limit, String runAs) {
        this(pid, commandLine, exit, endedBy, bytesFromClient, bytesToProgram, headerBytes, bodyBytes, stderrTail,
                elapsedNanos, limit, runAs, null);
    }
}
