package org.tracegate.gateway.cgi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.tracegate.text.HttpToken;

/**
 * Incremental, strict, bounded parser of a (non-NPH) CGI program's header block (RFC 3875 §6).
 *
 * <p>Raw bytes are kept once, in a block buffer bounded by {@code maxBlockBytes}; each line is a window
 * into it, so there is no second copy per line and no per-byte allocation. Limits are checked
 * arithmetically per chunk, at the exact byte where they are crossed, so the outcome (result or
 * exception) does not depend on how the input is chunked. Not thread-safe; one instance per response.
 */
public final class ResponseHeadParser {

    /**
     * @param maxLineBytes  longest line, terminator (LF or CRLF) excluded
     * @param maxLines      most header lines; the terminating blank line is not counted
     * @param maxBlockBytes most bytes in the whole block, terminators and the blank line included
     */
    public record Limits(int maxLineBytes, int maxLines, int maxBlockBytes) {
        public Limits {
            if (maxLineBytes < 1 || maxLines < 1 || maxBlockBytes < 1) {
                throw new IllegalArgumentException("limits must be positive: " + maxLineBytes + ", "
                        + maxLines + ", " + maxBlockBytes);
            }
        }

        public static Limits defaults() { return new Limits(16384, 500, 65536); }
    }

    private static final byte LF = '\n', CR = '\r', SP = ' ', HTAB = '\t';

    private final Limits limits;
    private byte[] block;
    private int count;          // bytes stored in block == bytes consumed
    private int lineStart;      // offset in block of the current (incomplete) line
    private int lines;          // complete lines, blank one included
    private ResponseHead result;
    private InvalidResponseHeadException failure;

    // Collected while parsing.
    private final List<ResponseHead.Header> headers = new ArrayList<>();
    private int status = -1;
    private String reason;
    private String location;
    private long contentLength = -1;
    private boolean contentType;

    public ResponseHeadParser(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.block = new byte[Math.min(512, limits.maxBlockBytes())];
    }

    /**
     * Consumes bytes up to and including the blank line that ends the header block; returns how many of
     * the given bytes it consumed. Once {@link #isComplete()}, the rest of the caller's buffer is body.
     * After a failure every further call rethrows the same exception.
     */
    public int feed(byte[] buf, int off, int len) throws InvalidResponseHeadException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (failure != null) throw failure;
        if (result != null) return 0;
        final int end = off + len;
        int i = off;
        while (i < end && result == null) {
            int lf = i;
            while (lf < end && buf[lf] != LF) lf++;
            boolean hasLf = lf < end;
            int m = lf - i;                        // non-LF bytes in this step
            int take = hasLf ? m + 1 : m;
            checkLimits(buf, i, m, take);
            append(buf, i, take);
            i += take;
            if (hasLf) endOfLine();
        }
        return i - off;
    }

    /**
     * Fails at the first byte of buf[i, i+take) that crosses a limit, quoting the partial line up to and
     * including it; the bytes before it are kept, so received() does not depend on the chunking. A line
     * may hold one byte beyond maxLineBytes only when that byte is a CR that may still precede the LF.
     */
    private void checkLimits(byte[] buf, int i, int m, int take) throws InvalidResponseHeadException {
        int lineRaw = count - lineStart;
        int pMax = limits.maxLineBytes() - lineRaw;    // relative index of raw line position maxLineBytes
        int tooLong = Integer.MAX_VALUE;
        if (pMax < 0) {                                // already holding the provisional CR
            if (m > 0) tooLong = 0;
        } else if (pMax < m) {
            if (buf[i + pMax] != CR) tooLong = pMax;
            else if (pMax + 1 < m) tooLong = pMax + 1;
        }
        int blockAt = limits.maxBlockBytes() - count;  // relative index of byte number maxBlockBytes + 1
        int tooLarge = blockAt < take ? blockAt : Integer.MAX_VALUE;
        if (tooLong == Integer.MAX_VALUE && tooLarge == Integer.MAX_VALUE) return;
        int at = Math.min(tooLong, tooLarge);
        append(buf, i, at);                            // what precedes the crossing byte still fits
        byte[] offending = Arrays.copyOfRange(block, lineStart, count + 1);
        offending[offending.length - 1] = buf[i + at];
        String why = tooLong <= tooLarge ? "header line too long" : "header block too large";
        throw remember(new InvalidResponseHeadException(lines + 1, why, offending));
    }

    private InvalidResponseHeadException remember(InvalidResponseHeadException e) {
        failure = e;
        return e;
    }

    private void append(byte[] buf, int off, int n) {
        int need = count + n;                          // never above maxBlockBytes: checked before
        if (need > block.length) {
            block = Arrays.copyOf(block, Math.min(limits.maxBlockBytes(), Math.max(need, block.length * 2)));
        }
        System.arraycopy(buf, off, block, count, n);
        count = need;
    }

    private void endOfLine() throws InvalidResponseHeadException {
        int s = lineStart, e = count - 1;              // e: index of the LF
        if (e > s && block[e - 1] == CR) e--;
        lineStart = count;
        lines++;
        if (e == s) {
            finish();
            return;
        }
        if (lines > limits.maxLines()) throw error(s, e, "too many header lines");
        headerLine(s, e);
    }

    private InvalidResponseHeadException error(int s, int e, String why) {
        return remember(new InvalidResponseHeadException(lines, why, Arrays.copyOfRange(block, s, e)));
    }

    private void headerLine(int s, int e) throws InvalidResponseHeadException {
        byte first = block[s];
        if (first == SP || first == HTAB) throw error(s, e, "obs-fold (continuation line)");
        int p = s;
        while (p < e && HttpToken.isTchar((char) (block[p] & 0xff))) p++;
        if (p == e) throw error(s, e, "missing colon");
        if (block[p] != ':') {
            int q = p;
            while (q < e && (block[q] == SP || block[q] == HTAB)) q++;
            if (q > p && q < e && block[q] == ':' && p > s) throw error(s, e, "whitespace before colon");
            throw error(s, e, indexOf(block, p, e, (byte) ':') < 0 ? "missing colon" : "invalid header name");
        }
        if (p == s) throw error(s, e, "invalid header name");
        int vs = p + 1, ve = e;
        for (int k = vs; k < ve; k++) {
            int b = block[k] & 0xff;
            if ((b < 0x20 && b != HTAB) || b == 0x7f) throw error(s, e, "control character in value");
        }
        while (vs < ve && (block[vs] == SP || block[vs] == HTAB)) vs++;
        while (ve > vs && (block[ve - 1] == SP || block[ve - 1] == HTAB)) ve--;
        header(s, e, p, vs, ve);
    }

    /** Applies the per-name rules; [s,p) is the name, [vs,ve) the trimmed value. */
    private void header(int s, int e, int p, int vs, int ve) throws InvalidResponseHeadException {
        int n = p - s;
        if (nameIs(s, n, "Status")) {
            if (status >= 0) throw error(s, e, "duplicate Status");
            status(s, e, vs, ve);
            return;                                    // Status is not passed on as a header
        }
        if (nameIs(s, n, "Transfer-Encoding")) {
            throw error(s, e, "Transfer-Encoding is not allowed from a CGI program");
        }
        String value = new String(block, vs, ve - vs, StandardCharsets.ISO_8859_1);
        if (nameIs(s, n, "Content-Length")) {
            long v = contentLength(s, e, vs, ve);
            if (contentLength >= 0) {
                if (v != contentLength) throw error(s, e, "conflicting Content-Length");
                return;                                // identical repeat: keep the first only
            }
            contentLength = v;
        } else if (nameIs(s, n, "Location")) {
            // Two Locations would let the relay pick either; an empty one is neither form of RFC 3875 §6.2.
            if (location != null) throw error(s, e, "duplicate Location");
            if (value.isEmpty()) throw error(s, e, "invalid Location");
            // "//host/x" and "/\host/x" look like local paths but browsers send the client to another host: the
            // open-redirect trick. A program that means another host must say so with an absolute URL.
            if (value.startsWith("//") || value.startsWith("/\\")) {
                throw error(s, e, "Location starts with \"" + value.substring(0, 2)
                        + "\", which a browser takes for another host; send an absolute URL for that");
            }
            location = value;
        } else if (nameIs(s, n, "Content-Type")) {
            contentType = true;
        }
        headers.add(new ResponseHead.Header(new String(block, s, n, StandardCharsets.ISO_8859_1), value));
    }

    private void status(int s, int e, int vs, int ve) throws InvalidResponseHeadException {
        if (ve - vs < 3 || !digit(vs) || !digit(vs + 1) || !digit(vs + 2)) throw error(s, e, "invalid Status");
        int code = (block[vs] - '0') * 100 + (block[vs + 1] - '0') * 10 + (block[vs + 2] - '0');
        if (code < 200 || code > 599) throw error(s, e, "invalid Status");
        int r = vs + 3;
        if (r < ve) {
            if (block[r] != SP) throw error(s, e, "invalid Status");
            r++;
            while (r < ve && (block[r] == SP || block[r] == HTAB)) r++;
            // ve was trimmed, so a reason here is non-empty; "200" and "200 " both give null.
            reason = new String(block, r, ve - r, StandardCharsets.ISO_8859_1);
        }
        status = code;
    }

    private long contentLength(int s, int e, int vs, int ve) throws InvalidResponseHeadException {
        int n = ve - vs;
        if (n < 1 || n > 18) throw error(s, e, "invalid Content-Length");   // 18 digits cannot overflow
        long v = 0;
        for (int k = vs; k < ve; k++) {
            if (!digit(k)) throw error(s, e, "invalid Content-Length");
            v = v * 10 + (block[k] - '0');
        }
        return v;
    }

    private void finish() throws InvalidResponseHeadException {
        if (!contentType && location == null && status < 0) {
            throw remember(new InvalidResponseHeadException(lines, "no Content-Type, Location or Status header",
                    Arrays.copyOf(block, count)));
        }
        ResponseHead.Kind kind;
        int code = status;
        String why = reason;
        // Status 200 with a Location is treated like no Status at all, as Apache's mod_cgi does.
        boolean plain = status < 0 || status == 200;
        if (location != null && plain && isLocalPath(location)) {
            kind = ResponseHead.Kind.LOCAL_REDIRECT;
            code = 200;
        } else if (location != null && plain) {
            // Lenient: anything that is not a local path (absolute URI or relative reference) goes to the
            // client, which resolves it; programs commonly send relative Locations.
            kind = ResponseHead.Kind.CLIENT_REDIRECT;
            code = 302;
            why = null;                               // a "200 OK" reason must not ride on a 302
        } else if (location != null && status >= 300 && status < 400) {
            kind = ResponseHead.Kind.CLIENT_REDIRECT_WITH_DOCUMENT;
        } else {
            kind = ResponseHead.Kind.DOCUMENT;
            if (code < 0) code = 200;
        }
        result = new ResponseHead(kind, code, why, headers, location, contentLength);
    }

    /** RFC 3875 local-pathquery: starts with one "/" ("//" and "/\\" are refused above). */
    private static boolean isLocalPath(String loc) {
        return loc.charAt(0) == '/';
    }

    private boolean digit(int k) {
        byte b = block[k];
        return b >= '0' && b <= '9';
    }

    /** ASCII case-insensitive comparison of block[s, s+n) with a name made of letters and '-'. */
    private boolean nameIs(int s, int n, String name) {
        if (n != name.length()) return false;
        for (int k = 0; k < n; k++) {
            if ((block[s + k] | 0x20) != (name.charAt(k) | 0x20)) return false;
        }
        return true;
    }

    private static int indexOf(byte[] b, int from, int to, byte x) {
        for (int k = from; k < to; k++) if (b[k] == x) return k;
        return -1;
    }

    public boolean isComplete() { return result != null; }

    public ResponseHead result() {
        if (result == null) throw new IllegalStateException("header block not complete");
        return result;
    }

    /** The raw header-block bytes consumed so far (a copy; never more than maxBlockBytes). */
    public byte[] received() { return Arrays.copyOf(block, count); }

    public long receivedCount() { return count; }

    public int lineCount() { return lines; }
}
