package org.tracegate.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The crashing thread's stack as gdb printed it from a core, and what it says in one line.
 *
 * @param signal       "SIGSEGV", from gdb's "Program terminated with signal SIGSEGV, …", or ""
 * @param faultAddress the address that faulted ("0x0") for SIGSEGV, SIGBUS, SIGILL and SIGFPE, or ""
 * @param frames       the frames, innermost first
 * @param text         gdb's frame lines as printed, for pages and traces
 */
public record Backtrace(String signal, String faultAddress, List<Frame> frames, String text) {
    public Backtrace {
        frames = List.copyOf(frames);
    }

    /**
     * One frame: {@code #1  0x000055e18728b161 in parse_config_line (line=0x0) at crash.c:4}.
     *
     * @param function the function, or "??" when gdb has no symbol
     * @param source   "crash.c:4", or "" without debug information
     * @param library  "/lib/x86_64-linux-gnu/libc.so.6" for a frame gdb places only in a library, or ""
     */
    public record Frame(int number, String function, String source, String library) {
        /**
         * Code of the program's own, as far as a backtrace can tell: a function with source that is not the C
         * library's (glibc's sources are built as "../sysdeps/…", "./nptl/…") and not a reserved "__" name.
         */
        boolean own() {
            return !source.isEmpty() && !source.startsWith(".") && !function.startsWith("__");
        }

        /** "parse_config_line at crash.c:4", or "__strlen_evex in /lib/…/libc.so.6". */
        public String describe() {
            if (!source.isEmpty()) return function + " at " + source;
            return library.isEmpty() ? function : function + " in " + library;
        }
    }

    private static final Pattern FRAME = Pattern.compile(
            "^#(\\d+)\\s+(?:0x[0-9a-fA-F]+ in )?(\\S+) (?:\\(.*\\))?\\s*(?:at (\\S+:\\d+)|from (\\S+))?.*$");
    private static final Pattern SIGNAL = Pattern.compile("^Program terminated with signal (SIG[A-Z0-9]+)");
    private static final Pattern ADDRESS = Pattern.compile("^\\$\\d+ = \\(void \\*\\) (0x[0-9a-fA-F]+)");

    /** The frame to name: the innermost of the program's own code, else the innermost; null without frames. */
    public Frame crashedIn() {
        for (Frame f : frames) if (f.own()) return f;
        return frames.isEmpty() ? null : frames.getFirst();
    }

    /** "crashed in parse_config_line at crash.c:4 (SIGSEGV, address 0x0)", or "" without frames. */
    public String summary() {
        Frame f = crashedIn();
        if (f == null) return "";
        String detail = signal.isEmpty() ? "" : " (" + signal + (faultAddress.isEmpty() ? "" : ", address " + faultAddress) + ")";
        return "crashed in " + f.describe() + detail;
    }

    /** Reads gdb's batch output; anything it cannot read is left out of the frames, never guessed. */
    public static Backtrace parse(String gdbOutput) {
        String signal = "";
        String address = "";
        List<Frame> frames = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String line : gdbOutput.split("\n")) {
            Matcher s = SIGNAL.matcher(line);
            if (s.find()) signal = s.group(1);
            Matcher a = ADDRESS.matcher(line);
            if (a.find()) address = a.group(1);
            if (!line.startsWith("#")) continue;
            // A frame printed twice (gdb shows frame 0 when it loads the core, then bt shows it again).
            Matcher m = FRAME.matcher(line);
            if (!m.matches()) continue;
            int n = Integer.parseInt(m.group(1));
            if (n == 0 && !frames.isEmpty()) {
                frames.clear();
                text.setLength(0);
            }
            frames.add(new Frame(n, m.group(2), m.group(3) == null ? "" : m.group(3), m.group(4) == null ? "" : m.group(4)));
            text.append(line.strip()).append('\n');
        }
        boolean faults = signal.equals("SIGSEGV") || signal.equals("SIGBUS") || signal.equals("SIGILL") || signal.equals("SIGFPE");
        return new Backtrace(signal, faults ? address : "", frames, text.toString());
    }
}
