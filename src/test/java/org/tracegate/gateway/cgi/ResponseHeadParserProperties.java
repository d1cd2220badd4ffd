package org.tracegate.gateway.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.tracegate.gateway.cgi.ResponseHead.Header;
import org.tracegate.gateway.cgi.ResponseHeadParser.Limits;

class ResponseHeadParserProperties {

    private static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Set<String> SPECIAL = Set.of("status", "transfer-encoding", "content-length", "location");

    /** A header with the whitespace the program put around its value; trimming must remove exactly it. */
    record Line(String name, String pad1, String value, String pad2, boolean crlf) {
        String serialize() { return name + ":" + pad1 + value + pad2 + (crlf ? "\r\n" : "\n"); }
    }

    @Provide
    Arbitrary<Line> lines() {
        Arbitrary<String> names = Arbitraries.strings().withChars(TCHARS).ofMinLength(1).ofMaxLength(20)
                .filter(n -> !SPECIAL.contains(n.toLowerCase(Locale.ROOT)));
        Arbitrary<String> pads = Arbitraries.strings().withChars(' ', '\t').ofMaxLength(3);
        // Value: visible ASCII, inner SP/HTAB and 8-bit bytes; no whitespace at either end.
        Arbitrary<String> edge = Arbitraries.strings().withCharRange('!', '~').ofLength(1);
        Arbitrary<String> middle = Arbitraries.strings().withCharRange(' ', '~').withChars('\t')
                .withCharRange('\u0080', '\u00ff').ofMaxLength(40);
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.just(""),
                Combinators.combine(edge, middle, edge).as((a, m, b) -> a + m + b));
        return Combinators.combine(names, pads, values, pads, Arbitraries.of(true, false)).as(Line::new);
    }

    @Property(tries = 300)
    void validBlocksRoundTripInAnyChunking(@ForAll @Size(max = 30) List<@net.jqwik.api.From("lines") Line> lines,
                                           @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 40) Integer> chunks,
                                           @ForAll boolean crlfEnd) throws Exception {
        StringBuilder sb = new StringBuilder("Content-Type: text/plain\r\n");
        List<Header> expected = new ArrayList<>();
        expected.add(new Header("Content-Type", "text/plain"));
        for (Line l : lines) {
            sb.append(l.serialize());
            expected.add(new Header(l.name(), l.value()));
        }
        sb.append(crlfEnd ? "\r\n" : "\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] in = concat(head, "BODY\n\n".getBytes(StandardCharsets.ISO_8859_1));

        ResponseHeadParser p = new ResponseHeadParser(Limits.defaults());
        int off = 0, k = 0, consumed = 0;
        while (!p.isComplete() && off < in.length) {
            int n = Math.min(chunks.get(k++ % chunks.size()), in.length - off);
            consumed += p.feed(in, off, n);
            off += n;
        }
        assertThat(p.isComplete()).isTrue();
        assertThat(consumed).isEqualTo(head.length);
        assertThat(p.received()).isEqualTo(head);
        assertThat(p.lineCount()).isEqualTo(lines.size() + 2);
        assertThat(p.result().headers()).isEqualTo(expected);
        assertThat(p.result().kind()).isEqualTo(ResponseHead.Kind.DOCUMENT);
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) ':', (byte) '\r', (byte) '\n', (byte) ' ', (byte) '\t',
                (byte) 'S', (byte) 'a', (byte) '0', (byte) '/', (byte) 0, (byte) 0x7f, (byte) 0xe9);
        Arbitrary<byte[]> random = Arbitraries.oneOf(interesting, Arbitraries.bytes())
                .array(byte[].class).ofMaxSize(400);
        // Near-valid input: a valid block with a few bytes overwritten.
        byte[] valid = "Status: 302 Found\r\nLocation: http://x/\r\nContent-Length: 3\r\n\r\nabc"
                .getBytes(StandardCharsets.ISO_8859_1);
        Arbitrary<byte[]> mutated = Combinators.combine(
                Arbitraries.integers().between(0, valid.length - 1).list().ofMaxSize(3),
                Arbitraries.bytes().list().ofSize(3)).as((at, with) -> {
                    byte[] b = valid.clone();
                    for (int i = 0; i < at.size(); i++) b[at.get(i)] = with.get(i);
                    return b;
                });
        return Arbitraries.oneOf(random, mutated);
    }

    @Property(tries = 1000)
    void garbageOnlyEverFailsCleanlyAndNeverOverConsumes(
            @ForAll("garbage") byte[] in,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 64) Integer> chunks,
            @ForAll @IntRange(min = 1, max = 80) int maxLine,
            @ForAll @IntRange(min = 1, max = 8) int maxLines,
            @ForAll @IntRange(min = 1, max = 300) int maxBlock) {
        for (Limits limits : List.of(Limits.defaults(), new Limits(maxLine, maxLines, maxBlock))) {
            ResponseHeadParser p = new ResponseHeadParser(limits);
            int off = 0, k = 0;
            long consumed = 0;
            try {
                while (off < in.length) {
                    int n = Math.min(chunks.get(k++ % chunks.size()), in.length - off);
                    int c = p.feed(in, off, n);
                    assertThat(c).isBetween(0, n);
                    consumed += c;
                    off += n;
                }
                assertThat(p.receivedCount()).isEqualTo(consumed);
            } catch (InvalidResponseHeadException expected) {
                assertThat(expected.lineNumber()).isBetween(1, p.lineCount() + 1);
                assertThat(p.receivedCount()).isLessThanOrEqualTo(in.length);
            }
            assertThat(p.received()).hasSize((int) p.receivedCount());
            assertThat(p.receivedCount()).isLessThanOrEqualTo(limits.maxBlockBytes());
            assertThat(p.received()).isEqualTo(java.util.Arrays.copyOf(in, (int) p.receivedCount()));
        }
    }

    /** Whatever a program sends, an accepted head never carries CR, LF or NUL into a name, a value or the reason. */
    @Property(tries = 1000)
    void noCrLfOrNulIsEverRelayed(@ForAll("garbage") byte[] in) {
        ResponseHeadParser p = new ResponseHeadParser(Limits.defaults());
        try {
            p.feed(in, 0, in.length);
        } catch (InvalidResponseHeadException expected) {
            return;
        }
        if (!p.isComplete()) return;
        ResponseHead head = p.result();
        for (Header h : head.headers()) {
            assertThat(h.name()).doesNotContain("\r", "\n", "\0");
            assertThat(h.value()).doesNotContain("\r", "\n", "\0");
        }
        if (head.reason() != null) assertThat(head.reason()).doesNotContain("\r", "\n", "\0");
        if (head.location() != null) assertThat(head.location()).doesNotContain("\r", "\n", "\0");
    }

    @Property(tries = 500)
    void garbageOutcomeDoesNotDependOnChunking(@ForAll("garbage") byte[] in,
                                               @ForAll @IntRange(min = 1, max = 50) int chunk) {
        Limits small = new Limits(24, 4, 120);
        assertThat(ParserHarness.run(in, small, chunk).key())
                .isEqualTo(ParserHarness.run(in, small, Math.max(1, in.length)).key());
    }

    @Provide
    Arbitrary<String> reasons() {
        // Mostly printable, with SP/HTAB, obs-text and now and then a CTL (LF excluded: it would end the line).
        Arbitrary<Character> ctl = Arbitraries.chars().range('\u0000', '\u001f').filter(c -> c != '\n');
        Arbitrary<Character> clean = Arbitraries.chars().range(' ', '~').with('\t', '\u0080', '\u00e9', '\u00ff');
        return Arbitraries.frequencyOf(Tuple.of(12, clean), Tuple.of(1, ctl),
                        Tuple.of(1, Arbitraries.just('\u007f')))
                .list().ofMaxSize(20).map(cs -> cs.stream().map(String::valueOf).reduce("", String::concat));
    }

    /** The Status reason is accepted exactly when it holds no CTL but HTAB, and then kept as sent (trimmed). */
    @Property(tries = 500)
    void statusReasonAcceptedExactlyWithoutControlCharacters(@ForAll("reasons") String reason) {
        String line = "Status: 299 " + reason;
        ParserHarness.Outcome o = ParserHarness.runAll(
                (line + "\r\nContent-Type: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), Limits.defaults());
        boolean clean = reason.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f));
        if (clean) {
            String trimmed = reason.replaceAll("^[ \t]+|[ \t]+$", "");
            assertThat(o.error()).isNull();
            assertThat(o.head().status()).isEqualTo(299);
            assertThat(o.head().reason()).isEqualTo(trimmed.isEmpty() ? null : trimmed);
        } else {
            assertThat(o.error()).isNotNull();
            assertThat(o.error().lineNumber()).isEqualTo(1);
            assertThat(o.error().reason()).isEqualTo("control character in value");
            assertThat(o.error().offendingBytes()).isEqualTo(line.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
