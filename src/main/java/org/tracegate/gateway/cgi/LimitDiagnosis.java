package org.tracegate.gateway.cgi;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tracegate.config.ProgramLimits;
import org.tracegate.process.EndedBy;
import org.tracegate.process.ExitStatus;
import org.tracegate.process.Signals;

/**
 * Which configured limit, if any, ended or crippled a program run, from what can be seen afterwards: the
 * kernel's signal for the CPU limit (certain), our own cut for the output limit (certain), and for the
 * limits the kernel enforces by failing a call inside the program — memory (ENOMEM), processes (EAGAIN on
 * fork), open files (EMFILE) — the program's own words on stderr, only when that limit is set (a guess,
 * said as one: the sentence quotes the line it is based on). docs/security.md lists what each can and cannot
 * detect.
 */
final class LimitDiagnosis {
    private static final Pattern MEMORY = Pattern.compile(
            "(?im)^.*(cannot allocate memory|out of memory|memoryerror|bad_alloc|allowed memory size of|"
                    + "failed to allocate|mmap\\(\\) failed|enomem).*$");
    private static final Pattern PROCESSES = Pattern.compile(
            "(?im)^.*(resource temporarily unavailable|cannot fork|can't fork|fork: retry|eagain).*$");
    private static final Pattern OPEN_FILES = Pattern.compile("(?im)^.*(too many open files|emfile).*$");

    private LimitDiagnosis() {}

    /** The limit that fired, as "name" and a clause to follow "the program …", or null. */
    record Hit(String name, String clause) {}

    static Hit of(ProgramLimits limits, ExitStatus exit, EndedBy endedBy, Cutoff cutoff, String stderrTail) {
        if (cutoff == Cutoff.OUTPUT_LIMIT) {
            return new Hit("outputMiB", "sent more than its output limit of " + limits.outputMiB() + " MiB and was stopped");
        }
        if (limits.cpuSeconds() > 0 && exit != null && endedBy == EndedBy.SELF
                && (exit.signal() == Signals.SIGXCPU
                        || exit.signal() == Signals.SIGKILL && exit.cpuMillis() >= limits.cpuSeconds() * 1000)) {
            return new Hit("cpuSeconds", "exceeded its CPU limit of " + limits.cpuSeconds() + " s");
        }
        for (var c : List.of(
                new Check("memoryMiB", limits.memoryMiB(), MEMORY, "hit its memory limit of %d MiB"),
                new Check("processes", limits.processes(), PROCESSES, "hit its limit of %d processes (fork failed)"),
                new Check("openFiles", limits.openFiles(), OPEN_FILES, "hit its limit of %d open files"))) {
            if (c.limit() <= 0 || stderrTail.isEmpty()) continue;
            Matcher m = c.pattern().matcher(stderrTail);
            String last = null;
            while (m.find()) last = m.group().strip();
            if (last != null) {
                String line = last.length() > 300 ? last.substring(0, 300) + "…" : last;
                return new Hit(c.name(), c.clause().formatted(c.limit()) + ", to judge by its stderr: \"" + line + "\"");
            }
        }
        return null;
    }

    private record Check(String name, long limit, Pattern pattern, String clause) {}
}
