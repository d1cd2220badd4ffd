package org.tracegate.gateway.cgi;

import org.tracegate.text.ByteQuote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tracegate.gateway.cgi.ParserHarness.bytes;
import static org.tracegate.gateway.cgi.ParserHarness.runAll;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tracegate.gateway.cgi.ParserHarness.Outcome;
import org.tracegate.gateway.cgi.ResponseHead.Header;
import org.tracegate.gateway.cgi.ResponseHead.Kind;
import org.tracegate.gateway.cgi.ResponseHeadParser.Limits;

class ResponseHeadParserTest {

    private static final Limits DEFAULTS = Limits.defaults();

    /** Parses in every chunking (asserting they agree) and expects success. */
    private static ResponseHead ok(String in) { return ok(in, DEFAULTS); }

    private static ResponseHead ok(String in, Limits limits) {
        Outcome o = runAll(bytes(in), limits);
        assertThat(o.error()).as("unexpected failure").isNull();
        assertThat(o.head()).as("complete").isNotNull();
        return o.head();
    }

    /** Parses in every chunking (asserting they agree) and expects a failure. */
    private static InvalidResponseHeadException bad(String in) { return bad(in, DEFAULTS); }

    private static InvalidResponseHeadException bad(String in, Limits limits) {
        Outcome o = runAll(bytes(in), limits);
        assertThat(o.error()).as("expected failure, got %s", o.head()).isNotNull();
        return o.error();
    }

    private static void bad(String in, int line, String reason) {
        InvalidResponseHeadException e = bad(in);
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.lineNumber()).isEqualTo(line);
    }

    // ---- basics ----

    @Test
    void simpleDocument() {
        ResponseHead h = ok("Content-Type: text/html\r\n\r\n");
        assertThat(h).isEqualTo(new ResponseHead(Kind.DOCUMENT, 200, null,
                List.of(new Header("Content-Type", "text/html")), null, -1));
    }

    @Test
    void lfOnlyAndMixedTerminatorsGiveTheSameResult() {
        ResponseHead crlf = ok("Content-Type: text/plain\r\nX-A: 1\r\nX-B: 2\r\n\r\n");
        assertThat(ok("Content-Type: text/plain\nX-A: 1\nX-B: 2\n\n")).isEqualTo(crlf);
        assertThat(ok("Content-Type: text/plain\r\nX-A: 1\nX-B: 2\r\n\n")).isEqualTo(crlf);
        assertThat(ok("Content-Type: text/plain\nX-A: 1\r\nX-B: 2\n\r\n")).isEqualTo(crlf);
    }

    @Test
    void bodyBytesAfterTheBlankLineAreNotConsumed() throws Exception {
        byte[] in = bytes("Content-Type: text/plain\r\n\r\nhello\r\n\r\nmore");
        int headLen = "Content-Type: text/plain\r\n\r\n".length();
        Outcome o = runAll(in, DEFAULTS);
        assertThat(o.consumed()).isEqualTo(headLen);
        assertThat(o.received()).isEqualTo(java.util.Arrays.copyOf(in, headLen));
        assertThat(o.lineCount()).isEqualTo(2);

        ResponseHeadParser p = new ResponseHeadParser(DEFAULTS);
        assertThat(p.feed(in, 0, in.length)).isEqualTo(headLen);
        assertThat(p.isComplete()).isTrue();
        assertThat(p.receivedCount()).isEqualTo(headLen);
        assertThat(p.feed(in, headLen, in.length - headLen)).as("nothing more once complete").isZero();
    }

    @Test
    void feedingAtAnOffsetUsesOnlyTheGivenRange() throws Exception {
        byte[] in = bytes("garbage\u0000Content-Type: a\n\nbody");
        ResponseHeadParser p = new ResponseHeadParser(DEFAULTS);
        assertThat(p.feed(in, 8, 10)).isEqualTo(10);
        assertThat(p.feed(in, 18, in.length - 18)).isEqualTo(7);
        assertThat(p.result().headers()).containsExactly(new Header("Content-Type", "a"));
        assertThatThrownBy(() -> p.feed(in, 5, in.length)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void incompleteStateIsObservable() throws Exception {
        ResponseHeadParser p = new ResponseHeadParser(DEFAULTS);
        byte[] in = bytes("Content-Type: a\nX-Y: partial");
        assertThat(p.feed(in, 0, in.length)).isEqualTo(in.length);
        assertThat(p.isComplete()).isFalse();
        assertThat(p.lineCount()).isEqualTo(1);
        assertThat(p.receivedCount()).isEqualTo(in.length);
        assertThat(p.received()).isEqualTo(in);
        assertThat(p.feed(in, 0, 0)).isZero();
        assertThatThrownBy(p::result).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void receivedIsACopy() throws Exception {
        ResponseHeadParser p = new ResponseHeadParser(DEFAULTS);
        byte[] in = bytes("Status: 204\n\n");
        p.feed(in, 0, in.length);
        p.received()[0] = 'X';
        assertThat(p.received()).isEqualTo(in);
    }

    @Test
    void afterAFailureEveryFeedRethrowsTheSameException() {
        ResponseHeadParser p = new ResponseHeadParser(DEFAULTS);
        byte[] in = bytes("Bad Header\n");
        InvalidResponseHeadException first = null;
        try {
            p.feed(in, 0, in.length);
        } catch (InvalidResponseHeadException e) {
            first = e;
        }
        assertThat(first).isNotNull();
        InvalidResponseHeadException f = first;
        assertThatThrownBy(() -> p.feed(bytes("Content-Type: a\n\n"), 0, 17)).isSameAs(f);
        assertThat(p.isComplete()).isFalse();
    }

    @Test
    void headersKeepOrderAndSpellingAndDropStatus() {
        ResponseHead h = ok("x-first: 1\nstatus: 404 Not Found\ncontent-TYPE: text/plain\nX-Last:2\n\n");
        assertThat(h.headers()).containsExactly(new Header("x-first", "1"),
                new Header("content-TYPE", "text/plain"), new Header("X-Last", "2"));
        assertThat(h.status()).isEqualTo(404);
        assertThat(h.reason()).isEqualTo("Not Found");
        assertThat(h.kind()).isEqualTo(Kind.DOCUMENT);
    }

    @Test
    void repeatedOrdinaryHeadersAreAllKept() {
        ResponseHead h = ok("Content-Type: a\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n");
        assertThat(h.headers()).extracting(Header::value).containsExactly("a", "a=1", "b=2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "X: a|a", "X:a|a", "X:   a b \t|a b", "X:\t\ta\t|a", "X:|\"\"", "X:   |\"\"", "X: a\tb|a\tb",
        "X: \"q\" ,; =|\"q\" ,; ="})
    void valuesAreTrimmedOfSpAndHtab(String line, String value) {
        ResponseHead h = ok("Content-Type: a\n" + line + "\n\n");
        assertThat(h.headers().get(1)).isEqualTo(new Header("X", value));
    }

    @Test
    void eightBitValuesAreDecodedAsIso88591() {
        ResponseHead h = ok("Content-Type: text/plain; charset=\u00e9\u00ff\nX-Name: caf\u00e9 \u0080\n\n");
        assertThat(h.headers().get(1).value()).isEqualTo("caf\u00e9 \u0080");
        assertThat(h.headers().get(0).value()).endsWith("\u00e9\u00ff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"!#$%&'*+-.^_`|~", "X-0123456789", "abcXYZ"})
    void everyTcharIsAllowedInNames(String name) {
        assertThat(ok("Content-Type: a\n" + name + ": v\n\n").headers().get(1).name()).isEqualTo(name);
    }

    // ---- line syntax errors ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "Bad Name: x|invalid header name",
        ": x|invalid header name",
        "Na(me): x|invalid header name",
        "Na/me: x|invalid header name",
        "N\u00e4me: x|invalid header name",
        "X\u0000Y: v|invalid header name",
        "X\rY: v|invalid header name",
        "Name : x|whitespace before colon",
        "Name\t: x|whitespace before colon",
        "NoColonHere|missing colon",
        "No colon here|missing colon",
        "\u00e9t\u00e9|missing colon",
        "\" continued\"|obs-fold (continuation line)",
        "\"\tcontinued: x\"|obs-fold (continuation line)",
        "X: a\u0000b|control character in value",
        "X: a\rb|control character in value",
        "\"X: \u007f\"|control character in value",
        "\"X: \u0001\"|control character in value",
        "X: \u001b[31m|control character in value",
        "X: a\u000bb|control character in value",
        "X: a\u000cb|control character in value",
    })
    void badLinesAreRejectedWithTheirLineNumber(String line, String reason) {
        bad("Content-Type: a\n" + line + "\nX: y\n\n", 2, reason);
        bad("Content-Type: a\r\n" + line + "\r\nX: y\r\n\r\n", 2, reason);
    }

    @Test
    void aStrayCrBeforeCrLfIsAControlCharacter() {
        bad("Content-Type: a\r\r\n\r\n", 1, "control character in value");
    }

    @Test
    void anEmptyFirstLineMeansNoHeaders() {
        bad("\n", 1, "no Content-Type, Location or Status header");
        bad("\r\nContent-Type: a\r\n\r\n", 1, "no Content-Type, Location or Status header");
    }

    @Test
    void aBlockWithoutContentTypeLocationOrStatusIsRejectedAtTheBlankLine() {
        InvalidResponseHeadException e = bad("X-Powered-By: sh\r\nContent-Length: 0\r\n\r\nbody");
        assertThat(e.lineNumber()).isEqualTo(3);
        assertThat(e.reason()).isEqualTo("no Content-Type, Location or Status header");
        assertThat(e.offendingBytes()).isEqualTo(bytes("X-Powered-By: sh\r\nContent-Length: 0\r\n\r\n"));
    }

    @Test
    void theMessageQuotesTheOffendingBytes() {
        InvalidResponseHeadException e = bad("Content-Type: a\nX-Bad: a\u0000\u00e9\"\n\n");
        assertThat(e.offendingBytes()).isEqualTo(bytes("X-Bad: a\u0000\u00e9\""));
        assertThat(e.getMessage()).isEqualTo("line 2: control character in value: "
                + ByteQuote.quote(bytes("X-Bad: a\u0000\u00e9\""), 256));
        assertThat(e.getMessage()).contains("\\x00\\xe9\\\"");
    }

    // ---- Status ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "200|200|NULL", "200 OK|200|OK", "404 Not Found|404|Not Found", "599 x|599|x", "500 |500|NULL",
        "302 Found|302|Found", "201  Two spaces|201|Two spaces", "418 I'm a teapot|418|I'm a teapot",
        "200 caf\u00e9|200|caf\u00e9"})
    void validStatus(String value, int status, String reason) {
        ResponseHead h = ok("Status: " + value + "\n\n");
        assertThat(h.status()).isEqualTo(status);
        assertThat(h.reason()).isEqualTo(reason);
        assertThat(h.kind()).isEqualTo(Kind.DOCUMENT);
        assertThat(h.headers()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "20", "2000", "099", "100 Continue", "101", "199", "600", "999", "abc", "200OK",
        "200\tOK", "+20", "-200", "2 00", "\u00b2\u00b2\u00b2", "HTTP/1.1 200 OK"})
    void invalidStatus(String value) {
        bad("Content-Type: a\nStatus: " + value + "\n\n", 2, "invalid Status");
    }

    /** Every CTL but HTAB (RFC 9112 reason-phrase = *( HTAB / SP / VCHAR / obs-text )), at the end and inside. */
    static IntStream controlCharacters() {
        return IntStream.concat(IntStream.range(0, 0x20).filter(c -> c != '\t' && c != '\n'),
                IntStream.of(0x7f));
    }

    @ParameterizedTest
    @MethodSource("controlCharacters")
    void statusReasonWithAControlCharacterIsAnInvalidHeaderBlock(int ctl) {
        for (String line : List.of("Status: 200 OK" + (char) ctl, "Status: 404 Not" + (char) ctl + "Found")) {
            InvalidResponseHeadException e = bad("Content-Type: text/plain\r\n" + line + "\r\n\r\n");
            assertThat(e.lineNumber()).isEqualTo(2);
            assertThat(e.reason()).isEqualTo("control character in value");
            assertThat(e.offendingBytes()).isEqualTo(bytes(line));
            assertThat(e.getMessage()).contains(String.format("\\x%02x", ctl).replace("\\x0d", "\\r"));
        }
    }

    @Test
    void statusReasonMayHoldHtabAndObsText() {
        assertThat(ok("Status: 200 O\tK\r\n\r\n").reason()).isEqualTo("O\tK");
        assertThat(ok("Status: 200 caf\u00c3\u00a9 \u0080\u00ff\r\n\r\n").reason()).isEqualTo("caf\u00c3\u00a9 \u0080\u00ff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Status", "status", "STATUS", "sTaTuS"})
    void statusNameIsCaseInsensitive(String name) {
        assertThat(ok(name + ": 503\n\n").status()).isEqualTo(503);
        bad("Status: 200\n" + name + ": 200\n\n", 2, "duplicate Status");
    }

    // ---- Transfer-Encoding and Content-Length ----

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: chunked", "transfer-encoding: identity", "TRANSFER-ENCODING:"})
    void transferEncodingIsRejected(String line) {
        bad("Content-Type: a\n" + line + "\n\n", 2, "Transfer-Encoding is not allowed from a CGI program");
    }

    @ParameterizedTest
    @CsvSource({"0,0", "42,42", "007,7", "123456789012345678,123456789012345678"})
    void validContentLength(String value, long expected) {
        ResponseHead h = ok("Content-Type: a\nContent-Length: " + value + "\n\n");
        assertThat(h.contentLength()).isEqualTo(expected);
        assertThat(h.headers().get(1)).isEqualTo(new Header("Content-Length", value));
    }

    @Test
    void noContentLengthIsMinusOne() {
        assertThat(ok("Content-Type: a\n\n").contentLength()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+1", "1 2", "1,1", "1, 1", "0x10", "1e3", "1234567890123456789",
        "\u00b9", "12a"})
    void invalidContentLength(String value) {
        bad("Content-Type: a\nContent-Length: " + value + "\n\n", 2, "invalid Content-Length");
    }

    @Test
    void identicalContentLengthsCollapseAndDifferentOnesConflict() {
        ResponseHead h = ok("Content-Type: a\nContent-Length: 5\ncontent-length: 005\nContent-Length:5\n\n");
        assertThat(h.contentLength()).isEqualTo(5);
        assertThat(h.headers()).containsExactly(new Header("Content-Type", "a"), new Header("Content-Length", "5"));
        bad("Content-Type: a\nContent-Length: 5\nContent-Length: 6\n\n", 3, "conflicting Content-Length");
    }

    // ---- kinds ----

    /** "//host" and "/\\host" would send the client to another host: refused, never a local redirect (issue 9). */
    @ParameterizedTest
    @ValueSource(strings = {"Location: //evil.example/x\n\n", "Location: /\\evil.example/x\n\n",
            "Status: 302\nLocation: //evil.example/\n\n"})
    void aLocationThatLooksLocalButNamesAnotherHostIsRefused(String block) {
        InvalidResponseHeadException e = bad(block);
        assertThat(e.reason()).contains("which a browser takes for another host");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // headers (\n-separated by ';')            | kind                          | status | location
        "Location: /a/b                              | LOCAL_REDIRECT                | 200    | /a/b",
        "Location: /                                 | LOCAL_REDIRECT                | 200    | /",
        "Location: /search?q=a%20b&x=/y              | LOCAL_REDIRECT                | 200    | /search?q=a%20b&x=/y",
        "Status: 200 OK;Location: /x                 | LOCAL_REDIRECT                | 200    | /x",
        "Location: http://example.com/               | CLIENT_REDIRECT               | 302    | http://example.com/",
        "Location: https://e.org/p?q#f               | CLIENT_REDIRECT               | 302    | https://e.org/p?q#f",
        "Location: other.html                        | CLIENT_REDIRECT               | 302    | other.html",
        "Location: ../up                             | CLIENT_REDIRECT               | 302    | ../up",
        "Location: ?page=2                           | CLIENT_REDIRECT               | 302    | ?page=2",
        "Status: 200;Location: http://e.org/         | CLIENT_REDIRECT               | 302    | http://e.org/",
        "Status: 301 Moved;Location: http://e.org/;Content-Type: text/html | CLIENT_REDIRECT_WITH_DOCUMENT | 301 | http://e.org/",
        "Location: /local;Status: 303                | CLIENT_REDIRECT_WITH_DOCUMENT | 303    | /local",
        "Status: 307;Location: rel                   | CLIENT_REDIRECT_WITH_DOCUMENT | 307    | rel",
        "Status: 201 Created;Location: /new/1        | DOCUMENT                      | 201    | /new/1",
        "Status: 404;Location: http://e.org/         | DOCUMENT                      | 404    | http://e.org/",
        "Status: 304                                 | DOCUMENT                      | 304    | ",
        "Status: 302;Content-Type: text/html         | DOCUMENT                      | 302    | ",
        "Content-Type: text/html                     | DOCUMENT                      | 200    | ",
    })
    void kinds(String lines, Kind kind, int status, String location) {
        ResponseHead h = ok(lines.replace(';', '\n') + "\n\n");
        assertThat(h.kind()).isEqualTo(kind);
        assertThat(h.status()).isEqualTo(status);
        assertThat(h.location()).isEqualTo(location);
    }

    @Test
    void clientRedirectDropsAStatus200Reason() {
        ResponseHead h = ok("Status: 200 OK\nLocation: http://e.org/\n\n");
        assertThat(h.reason()).isNull();
        assertThat(h.headers()).containsExactly(new Header("Location", "http://e.org/"));
    }

    @Test
    void duplicateOrEmptyLocationIsRejected() {
        bad("Location: /a\nLocation: /b\n\n", 2, "duplicate Location");
        bad("Location:  \n\n", 1, "invalid Location");
    }

    // ---- limits ----

    private static String line(int contentBytes) {
        return "X:" + "v".repeat(contentBytes - 2);
    }

    @Test
    void lineExactlyAtTheLimitIsAccepted() {
        Limits l = new Limits(20, 10, 1000);
        ok("Content-Type: a\n" + line(20) + "\n\n", l);
        ok("Content-Type: a\r\n" + line(20) + "\r\n\r\n", l);
    }

    @Test
    void lineOneOverTheLimitIsRejected() {
        Limits l = new Limits(20, 10, 1000);
        for (String eol : new String[] {"\n", "\r\n"}) {
            InvalidResponseHeadException e = bad("Content-Type: a" + eol + line(21) + eol + eol, l);
            assertThat(e.reason()).isEqualTo("header line too long");
            assertThat(e.lineNumber()).isEqualTo(2);
            assertThat(e.offendingBytes()).isEqualTo(bytes(line(21)));
        }
        // A CR at position limit+1 is held provisionally; anything but LF after it crosses the limit.
        InvalidResponseHeadException e = bad("Content-Type: a\n" + line(20) + "\rZ\n\n", l);
        assertThat(e.reason()).isEqualTo("header line too long");
        assertThat(e.offendingBytes()).isEqualTo(bytes(line(20) + "\rZ"));
    }

    @Test
    void aTooLongLineFailsBeforeItsEndArrives() {
        ResponseHeadParser p = new ResponseHeadParser(new Limits(300, 10, 100_000));
        byte[] junk = new byte[1 << 20];
        java.util.Arrays.fill(junk, (byte) 'a');
        assertThatThrownBy(() -> p.feed(junk, 0, junk.length))
                .isInstanceOfSatisfying(InvalidResponseHeadException.class, e -> {
                    assertThat(e.reason()).isEqualTo("header line too long");
                    assertThat(e.offendingBytes()).hasSize(301);
                    assertThat(e.getMessage()).contains("…(+");
                });
        assertThat(p.received()).hasSize(300);
    }

    @Test
    void linesExactlyAtTheLimitAreAcceptedAndOneMoreIsRejected() {
        Limits l = new Limits(100, 3, 1000);
        ResponseHead h = ok("Content-Type: a\nX: 1\nX: 2\n\n", l);
        assertThat(h.headers()).hasSize(3);
        InvalidResponseHeadException e = bad("Content-Type: a\nX: 1\nX: 2\nX: 3\n\n", l);
        assertThat(e.reason()).isEqualTo("too many header lines");
        assertThat(e.lineNumber()).isEqualTo(4);
    }

    @Test
    void blockExactlyAtTheLimitIsAcceptedAndOneByteMoreIsRejected() {
        String block = "Content-Type: a\r\nX: 12345\r\n\r\n";
        Limits exact = new Limits(100, 100, block.length());
        Outcome o = runAll(bytes(block + "body"), exact);
        assertThat(o.head()).isNotNull();
        assertThat(o.consumed()).isEqualTo(block.length());

        Limits tight = new Limits(100, 100, block.length() - 1);
        InvalidResponseHeadException e = bad(block, tight);
        assertThat(e.reason()).isEqualTo("header block too large");
        assertThat(e.lineNumber()).isEqualTo(3);
        assertThat(e.offendingBytes()).isEqualTo(bytes("\r\n"));

        e = bad("Content-Type: a\nX: 12345678\n\n", new Limits(100, 100, 20));
        assertThat(e.reason()).isEqualTo("header block too large");
        assertThat(e.lineNumber()).isEqualTo(2);
        assertThat(e.offendingBytes()).isEqualTo(bytes("X: 12"));
    }

    @Test
    void receivedNeverExceedsTheBlockLimit() {
        Limits l = new Limits(50, 1000, 200);
        Outcome o = runAll(bytes(("X-Some: header\r\n").repeat(100)), l);
        assertThat(o.error().reason()).isEqualTo("header block too large");
        assertThat(o.received()).hasSize(200);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new Limits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Limits.defaults()).isEqualTo(new Limits(16384, 500, 65536));
    }

    // ---- chunking independence over many inputs ----

    static Stream<Arguments> corpus() {
        return Stream.of(
                "Content-Type: text/html\r\n\r\n<html>",
                "Status: 302 Found\r\nLocation: http://x/\r\nContent-Type: text/html\r\n\r\n<a>",
                "Location: /next?x=1\n\n",
                "X-A: 1\r\nX-B: \u00e9\r\nContent-Length: 10\r\nContent-Type: a\r\n\r\n0123456789",
                "Content-Type: a\r\n\r",
                "Content-Type: a\r\r\n\r\n",
                "Content-Type: a\n X-fold\n\n",
                "\r\n",
                "\r\r\n",
                "Status: 200\nStatus: 200\n\n",
                "Content-Type: a\nContent-Length: 1\nContent-Length: 2\n\n",
                "garbage without newline",
                "Content-Type: a\nTransfer-Encoding: chunked\n\n",
                "Content-Type: " + "x".repeat(20000) + "\n\n",
                ("X-Many: 1\n").repeat(600) + "Content-Type: a\n\n",
                ("X-Big: " + "y".repeat(8000) + "\n").repeat(10) + "Content-Type: a\n\n",
                "\u0000\u0001\u00ff\n\n",
                ""
        ).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void anyChunkingGivesTheSameOutcome(String in) {
        runAll(bytes(in), DEFAULTS);   // asserts agreement across chunkings itself
        runAll(bytes(in), new Limits(16, 4, 64));
    }
}
