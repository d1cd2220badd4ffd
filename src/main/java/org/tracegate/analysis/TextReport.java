package org.tracegate.analysis;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The analyzer's screen: a summary table when there is more than one failure or file, then one
 * screen (about 30–40 lines) per failed request. Times are UTC.
 */
public final class TextReport {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /** Stderr lines are shown whole: the capture keeps lines to 4 KiB, and escaping may double that. */
    private static final int STDERR_LINE = 8 * 1024 + 2;

    private TextReport() {}

    public static void print(Report report, boolean hex, PrintWriter out) {
        if (report.failures().isEmpty()) {
            out.println("No failed requests among " + report.requests() + " request" + plural(report.requests())
                    + " in " + report.files().size() + " file" + plural(report.files().size()) + ".");
            return;
        }
        if (report.wantsSummary()) summary(report, out);
        int n = 0;
        for (Diagnosis d : report.failures()) {
            if (n > 0 || report.wantsSummary()) out.println();
            failure(d, ++n, report.failures().size(), hex, out);
        }
        out.flush();
    }

    private static void summary(Report r, PrintWriter out) {
        out.println(r.failures().size() + " failed of " + r.requests() + " request" + plural(r.requests()) + " in "
                + r.files().size() + " file" + plural(r.files().size()));
        table("by status.substatus", r.byStatus(), out);
        table("by script", r.byScript(), out);
        table("by cause", r.byCause(), out);
    }

    private static void table(String title, Map<String, Long> counts, PrintWriter out) {
        out.println("  " + title);
        counts.forEach((k, v) -> out.printf("    %5d  %s%n", v, k));
    }

    private static void failure(Diagnosis d, int n, int of, boolean hex, PrintWriter out) {
        out.println("Failed request " + (of > 1 ? n + " of " + of + " " : "") + d.contextId() + " in " + d.source()
                + " (" + d.sourceFormat() + ")");
        out.println(d.headline());
        out.println("Request");
        out.println("  " + (d.verb() == null ? "(unknown method)" : d.verb()) + " " + (d.url() == null ? "(unknown URL)" : d.url()));
        out.println("  received " + bytes(d.bytesReceived()) + ", sent " + bytes(d.bytesSent())
                + (d.timeTakenMillis() >= 0 ? ", time taken " + Durations.human(Duration.ofMillis(d.timeTakenMillis())) : "")
                + (d.win32Status() > 0 ? ", win32 status " + d.win32Status() : ""));
        timeline(d.timeline(), out);
        program(d, out);
        out.println("Status " + d.status());
        out.println("Most likely cause");
        out.println("  " + d.cause());
        out.println("What to try next");
        for (String a : d.advice()) out.println("  - " + a);
        if (hex && d.response() != null) {
            out.println("Response bytes as sent (" + d.response().length + " bytes: status line, headers, body"
                    + (d.responseTotal() >= 0 ? "; the body was " + Durations.bytes(d.responseTotal()) + " bytes" : "") + ")");
            for (String line : HexDump.lines(d.response())) out.println(line);
        }
        if (!d.notes().isEmpty()) {
            out.println("Notes");
            for (String note : d.notes()) out.println("  - " + note);
        }
    }

    private static void timeline(List<Diagnosis.Step> steps, PrintWriter out) {
        if (steps.isEmpty()) return;
        boolean subSecond = steps.stream().anyMatch(s -> s.time().getNano() != 0);
        DateTimeFormatter clock = subSecond ? MILLIS : SECONDS;
        out.println("Timeline (" + DATE.format(steps.getFirst().time()) + ", UTC)");
        Instant previous = null;
        for (Diagnosis.Step s : steps) {
            String gap = previous == null ? "" : "+" + Durations.human(Duration.between(previous, s.time()));
            out.println(String.format("  %s  %-12s %-32s %s", clock.format(s.time()), gap, s.event(), s.detail()).stripTrailing());
            previous = s.time();
        }
        if (steps.size() > 1) {
            out.println("  total " + Durations.human(Duration.between(steps.getFirst().time(), steps.getLast().time())));
        }
    }

    private static void program(Diagnosis d, PrintWriter out) {
        Diagnosis.Program p = d.program();
        if (p == null) return;
        out.println("Program");
        out.println("  " + p.script() + (p.pid() > 0 ? ", pid " + p.pid() : "") + ": " + p.commandLine());
        if (p.launchError() != null) {
            out.println("  never ran: exec failed with " + p.launchError());
            return;
        }
        out.println("  ran " + (p.ran() == null ? "(unknown)" : Durations.human(p.ran())) + "; "
                + (p.exit() == null ? "exit status not in the trace" + (d.sourceFormat().startsWith("IIS") ? " (IIS does not record it)" : "")
                        : p.exit()));
        if (p.limit() != null) out.println("  limit: it " + p.limit());
        if (p.crash() != null) {
            Diagnosis.Crash c = p.crash();
            out.println("  crash: " + (c.crashedIn().isEmpty() ? c.signal() : c.crashedIn())
                    + (c.core().isEmpty() ? "" : "; core kept as " + c.core()));
            if (!c.problem().isEmpty()) out.println("  crash evidence missing: " + c.problem());
            if (!c.backtrace().isEmpty()) {
                out.println("  backtrace (crashing thread):");
                for (String f : c.backtrace()) out.println("    " + f);
            }
        }
        out.println("  headers sent: " + (p.headers() == null ? "not in the trace"
                : p.headers().isEmpty() ? "none (Headers= empty)"
                : p.headers().length() + " bytes: " + quote(p.headers(), 120)));
        if (p.stderrTail().isEmpty()) {
            out.println("  stderr: nothing recorded");
        } else {
            out.println("  stderr (last " + p.stderrTail().size() + " line" + plural(p.stderrTail().size()) + "):");
            for (String line : p.stderrTail()) out.println("    " + quote(line, STDERR_LINE));
        }
    }

    private static String bytes(long n) {
        return n < 0 ? "? bytes" : Durations.bytes(n) + " bytes";
    }

    /** Bytes as a quoted string a person can read: CR, LF, tab and other controls escaped. */
    static String quote(String s, int max) {
        StringBuilder sb = new StringBuilder("\"");
        int i = 0;
        for (; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> sb.append(c < 0x20 || c == 0x7F ? String.format("\\x%02X", (int) c) : String.valueOf(c));
            }
        }
        if (i == s.length()) return sb.append('"').toString();
        return sb.append("\"… (" + i + " of " + s.length() + " characters shown)").toString();
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }
}
