package org.tracegate.offline;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a replay runs the program under: nothing, strace (a syscall log), valgrind (a memcheck log) or gdb. */
public enum Tool {
    NONE, STRACE, VALGRIND, GDB;

    /** The tool's program on the caller's PATH, or null when it is not installed. */
    Path find() {
        String name = name().toLowerCase(java.util.Locale.ROOT);
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) return p.toAbsolutePath();
        }
        return null;
    }

    /**
     * The argv that runs {@code argv} under strace or valgrind, writing to {@code log}. Both pass their environment
     * on unchanged and end as the program did (strace raises the program's signal again), so the gateway's verdict
     * and cause sentence stay the program's own.
     */
    List<String> wrap(Path tool, Path log, List<String> argv) {
        List<String> a = new ArrayList<>();
        a.add(tool.toString());
        switch (this) {
            case STRACE -> a.addAll(List.of("-f", "-o", log.toString(), "--"));
            case VALGRIND -> a.addAll(List.of("--log-file=" + log, "--"));
            default -> throw new IllegalStateException(this + " does not wrap a program");
        }
        a.addAll(argv);
        return a;
    }

    /**
     * gdb's argv: the recorded environment as it is (gdb adds LINES and COLUMNS, taken out again), stdin from the
     * body file, stdout to {@code stdout} (so the program's output does not mix with gdb's), the backtrace after the
     * run. {@code batch}: run and exit; otherwise gdb stops at its prompt after the run.
     */
    static List<String> gdb(Path gdb, Path body, Path stdout, List<String> argv, boolean batch) {
        List<String> a = new ArrayList<>(List.of(gdb.toString(), "-q", "-nx"));
        if (batch) a.add("-batch");
        a.addAll(List.of("-ex", "unset environment LINES", "-ex", "unset environment COLUMNS"));
        a.addAll(List.of("-ex", "run < '" + body + "'" + (stdout == null ? "" : " > '" + stdout + "'")));
        if (batch) a.addAll(List.of("-ex", "bt"));
        a.add("--args");
        a.addAll(argv);
        return a;
    }
}
