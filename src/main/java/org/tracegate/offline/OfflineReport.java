package org.tracegate.offline;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.gateway.cgi.ProgramReport;
import org.tracegate.gateway.cgi.ResponseHead;
import org.tracegate.process.ExitStatus;
import org.tracegate.text.ByteQuote;
import org.tracegate.text.LogText;

/** The report both commands print for one run: the program's headers, every problem, how it ended, its stderr. */
public final class OfflineReport {
    private static final String INDENT = "            ";

    private OfflineReport() {}

    public static void print(OfflineRequest r, OfflineResult result, PrintWriter out) {
        ProgramReport p = result.outcome().report();
        out.println("Program     " + p.commandLine());
        out.println("  cwd       " + r.cwd());
        out.println("  as        " + r.runAsText());
        out.println("Request     " + r.request().method() + " " + r.request().requestUri()
                + (r.body() == null ? ", no body" : ", body of " + r.body().length + " bytes"));
        headers(result.head(), out);
        problems(result, out);
        response(result, out);
        exit(p, out);
        stderr(p.stderrTail(), out);
        out.println("Verdict     " + (result.relayed()
                ? "a server would relay this response (" + result.statusCode() + ")"
                : "a server would NOT relay this response: it would answer " + result.statusCode()));
        out.flush();
    }

    private static void headers(byte[] block, PrintWriter out) {
        if (block.length == 0) {
            out.println("Headers     (none: the program sent no header bytes)");
            return;
        }
        List<byte[]> lines = lines(block);
        out.println("Headers     " + block.length + " bytes, " + lines.size() + " line" + (lines.size() == 1 ? "" : "s")
                + " (as the program wrote them, quoted)");
        for (int i = 0; i < lines.size(); i++) {
            out.printf("  %4d      %s%n", i + 1, ByteQuote.quote(lines.get(i), 1024));
        }
    }

    private static void problems(OfflineResult result, PrintWriter out) {
        List<HeaderLint.Problem> problems = result.problems();
        if (problems.isEmpty() && result.failure() instanceof GatewayFailure.InvalidHeaders i) {
            problems = List.of(new HeaderLint.Problem(i.lineNumber(), i.reason(), i.quotedLine()));
        }
        if (problems.isEmpty()) {
            out.println("Problems    none in the header block");
            return;
        }
        out.println("Problems    " + problems.size() + " (the first is the one a server answers with)");
        for (HeaderLint.Problem pr : problems) {
            out.println("  " + (pr.line() > 0 ? "line " + pr.line() + ": " : "the block, without the lines above: ")
                    + pr.reason() + ": " + pr.quoted());
        }
    }

    private static void response(OfflineResult result, PrintWriter out) {
        if (result.relayed() || result.status() >= 0) {
            String status = result.status() >= 0 ? result.status() + (result.reason() == null ? "" : " " + result.reason())
                    : result.statusCode();
            out.println("Response    " + status + ", " + result.bodyBytes() + " body bytes");
            for (ResponseHead.Header h : result.headers()) {
                out.println(INDENT + LogText.escape(h.name() + ": " + h.value()));
            }
            if (result.bodyBytes() > 0) {
                out.println(INDENT + "body starts " + ByteQuote.quote(result.bodyStart(), 160));
            }
        }
        String cause = result.cause();
        if (cause != null) {
            out.println("Status      " + result.statusCode());
            out.println("Cause       " + cause);
        }
    }

    private static void exit(ProgramReport p, PrintWriter out) {
        ExitStatus e = p.exit();
        if (e == null) {
            out.println("Exit        it never started");
            return;
        }
        StringBuilder sb = new StringBuilder("Exit        ").append(e.describe());
        if (!p.endedBy().name().equals("SELF")) sb.append(", ended by ").append(p.endedBy().name());
        if (!p.limit().isEmpty()) sb.append("; it ").append(p.limit());
        out.println(sb);
        StringBuilder t = new StringBuilder("Timing      ran ").append(p.elapsedNanos() / 1_000_000).append(" ms");
        if (e.cpuMillis() >= 0) t.append(", CPU ").append(e.cpuMillis()).append(" ms");
        if (e.maxRssKiB() >= 0) t.append(", max RSS ").append(e.maxRssKiB()).append(" KiB");
        t.append("; pid ").append(p.pid());
        out.println(t);
    }

    private static void stderr(String tail, PrintWriter out) {
        if (tail == null || tail.isEmpty()) {
            out.println("Stderr      (nothing)");
            return;
        }
        out.println("Stderr      (last " + tail.length() + " characters at most 8 KiB)");
        for (String line : tail.split("\n", -1)) {
            if (!line.isEmpty()) out.println("  | " + LogText.escape(line));
        }
    }

    static List<byte[]> lines(byte[] block) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < block.length; i++) {
            if (block[i] == '\n') {
                lines.add(Arrays.copyOfRange(block, start, i + 1));
                start = i + 1;
            }
        }
        if (start < block.length) lines.add(Arrays.copyOfRange(block, start, block.length));
        return lines;
    }

    static String latin1(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }
}
