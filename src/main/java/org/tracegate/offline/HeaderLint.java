package org.tracegate.offline;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tracegate.gateway.cgi.InvalidResponseHeadException;
import org.tracegate.gateway.cgi.ResponseHeadParser;
import org.tracegate.text.ByteQuote;

/**
 * Every problem of a header block, not just the first: the gateway's own strict parser is run on the block, and
 * after each problem it reports, again without the offending line, until it accepts what is left or the problem
 * concerns the block as a whole. No second parser, so the lint can never disagree with the server; the first
 * problem is always the one the server answered with.
 */
final class HeaderLint {
    private static final int QUOTED = 512;

    /** One problem: its 1-based line in the program's output (0: the block as a whole), the rule, the bytes. */
    record Problem(int line, String reason, String quoted) {}

    private HeaderLint() {}

    /** The problems of the header block at the start of {@code stdout}; empty when the parser accepts it. */
    static List<Problem> problems(byte[] stdout, ResponseHeadParser.Limits limits) {
        List<byte[]> lines = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        byte[] end = headerLines(stdout, lines);
        for (int i = 0; i < lines.size(); i++) numbers.add(i + 1);
        List<Problem> found = new ArrayList<>();
        for (int round = 0; round < 1000; round++) {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            for (byte[] l : lines) block.writeBytes(l);
            if (end != null) block.writeBytes(end);
            byte[] b = block.toByteArray();
            try {
                new ResponseHeadParser(limits).feed(b, 0, b.length);
                return found;                    // accepted, or it ends without a blank line (the failure says so)
            } catch (InvalidResponseHeadException e) {
                int at = e.lineNumber();
                boolean oneLine = at >= 1 && at <= lines.size();
                found.add(new Problem(oneLine ? numbers.get(at - 1) : 0, e.reason(),
                        ByteQuote.quote(e.offendingBytes(), QUOTED)));
                if (!oneLine) return found;
                lines.remove(at - 1);
                numbers.remove(at - 1);
            }
        }
        return found;
    }

    /** The header block at the start of {@code stdout}: up to and with its blank line, or all of it without one. */
    static byte[] head(byte[] stdout) {
        List<byte[]> lines = new ArrayList<>();
        byte[] end = headerLines(stdout, lines);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] l : lines) b.writeBytes(l);
        if (end != null) b.writeBytes(end);
        return b.toByteArray();
    }

    /** Splits off the header lines (LF kept); returns the blank line that ends them, or null when there is none. */
    private static byte[] headerLines(byte[] out, List<byte[]> lines) {
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] != '\n') continue;
            int len = i - start;
            boolean blank = len == 0 || (len == 1 && out[start] == '\r');
            byte[] line = Arrays.copyOfRange(out, start, i + 1);
            if (blank) return line;
            lines.add(line);
            start = i + 1;
        }
        if (start < out.length) lines.add(Arrays.copyOfRange(out, start, out.length));
        return null;
    }
}
