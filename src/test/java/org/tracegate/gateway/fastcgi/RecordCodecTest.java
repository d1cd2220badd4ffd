package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tracegate.gateway.fastcgi.Wire.concat;
import static org.tracegate.gateway.fastcgi.Wire.decodeAll;
import static org.tracegate.gateway.fastcgi.Wire.header;
import static org.tracegate.gateway.fastcgi.Wire.hex;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracegate.gateway.fastcgi.FastCgiRecord.AbortRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.EndRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValues;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;
import org.tracegate.gateway.fastcgi.FastCgiRecord.UnknownType;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;

/** Each record type on the wire, both ways, and each way a server's bytes can break the record rules. */
class RecordCodecTest {

    @Test
    void beginRequestIsAResponderWithKeepConn() throws Exception {
        byte[] b = RecordEncoder.encode(BeginRequest.responder(1, true));
        assertThat(hex(b)).isEqualTo("01 01 00 01 00 08 00 00 00 01 01 00 00 00 00 00");
        assertThat(decodeAll(b)).containsExactly(new BeginRequest(1, BeginRequest.RESPONDER, BeginRequest.KEEP_CONN));
        assertThat(hex(RecordEncoder.encode(BeginRequest.responder(258, false))))
                .isEqualTo("01 01 01 02 00 08 00 00 00 01 00 00 00 00 00 00");
    }

    @Test
    void abortRequestHasNoContent() throws Exception {
        byte[] b = RecordEncoder.encode(new AbortRequest(7));
        assertThat(hex(b)).isEqualTo("01 02 00 07 00 00 00 00");
        assertThat(decodeAll(b)).containsExactly(new AbortRequest(7));
    }

    @Test
    void endRequestCarriesAppStatusAndEachProtocolStatus() throws Exception {
        assertThat(hex(RecordEncoder.encode(new EndRequest(1, 0x01020304, ProtocolStatus.REQUEST_COMPLETE))))
                .isEqualTo("01 03 00 01 00 08 00 00 01 02 03 04 00 00 00 00");
        for (ProtocolStatus s : ProtocolStatus.values()) {
            byte[] b = concat(header(1, 3, 1, 8, 0), hex("ff ff ff ff 0" + s.code() + " 00 00 00"));
            assertThat(decodeAll(b)).containsExactly(new EndRequest(1, -1, s));
        }
    }

    @Test
    void streamRecordsArePaddedToEightBytes() throws Exception {
        byte[] b = RecordEncoder.encode(new Stream(RecordType.STDOUT, 1, "hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(hex(b)).isEqualTo("01 06 00 01 00 05 03 00 68 65 6c 6c 6f 00 00 00");
        for (RecordType t : List.of(RecordType.PARAMS, RecordType.STDIN, RecordType.STDOUT, RecordType.STDERR, RecordType.DATA)) {
            Stream s = new Stream(t, 2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
            byte[] e = RecordEncoder.encode(s);
            assertThat(e).hasSize(8 + 16);
            assertThat(decodeAll(e)).containsExactly(s);
        }
        assertThat(RecordEncoder.encode(new Stream(RecordType.STDIN, 1, new byte[0]))).hasSize(8);
    }

    @Test
    void getValuesAndItsResultAreNameValuePairs() throws Exception {
        GetValues ask = new GetValues(List.of("FCGI_MAX_CONNS", "FCGI_MPXS_CONNS"));
        byte[] b = RecordEncoder.encode(ask);
        assertThat(hex(b)).startsWith("01 09 00 00 00 21 07 00 0e 00 46 43 47 49 5f 4d 41 58");
        assertThat(decodeAll(b)).containsExactly(ask);
        GetValuesResult answer = new GetValuesResult(List.of(new Pair("FCGI_MPXS_CONNS", "0")));
        assertThat(decodeAll(RecordEncoder.encode(answer))).containsExactly(answer);
        // php-fpm 8.2's answer, byte for byte
        byte[] phpFpm = hex("01 0a 00 00 00 12 06 00 0f 01 46 43 47 49 5f 4d 50 58 53 5f 43 4f 4e 4e 53 30 00 00 00 00 00 00");
        assertThat(decodeAll(phpFpm)).containsExactly(answer);
    }

    @Test
    void unknownTypeNamesTheType() throws Exception {
        byte[] b = RecordEncoder.encode(new UnknownType(42));
        assertThat(hex(b)).isEqualTo("01 0b 00 00 00 08 00 00 2a 00 00 00 00 00 00 00");
        assertThat(decodeAll(b)).containsExactly(new UnknownType(42));
    }

    @Test
    void longStreamsAreCutAtTheLargestAlignedRecord() throws Exception {
        byte[] data = new byte[70_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordEncoder.stream(RecordType.STDIN, 3, data, 0, data.length, out);
        List<FastCgiRecord> records = decodeAll(out.toByteArray());
        assertThat(records).extracting(r -> ((Stream) r).content().length).containsExactly(65_528, 4_472);
        assertThat(out.size()).isEqualTo(8 + 65_528 + 8 + 4_472 + RecordEncoder.padding(4_472));
        assertThat(concat(((Stream) records.get(0)).content(), ((Stream) records.get(1)).content())).isEqualTo(data);
    }

    @Test
    void paramsKeepPairsWholeWithinARecordAndEndWithAnEmptyRecord() throws Exception {
        String big = "v".repeat(40_000);
        List<Pair> params = List.of(new Pair("A", big), new Pair("B", big), new Pair("C", "x".repeat(70_000)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordEncoder.params(1, params, out);
        List<FastCgiRecord> records = decodeAll(out.toByteArray());
        // A alone, B alone (A+B would not fit), C split across two records as the spec allows, then the end.
        assertThat(records).extracting(r -> ((Stream) r).content().length)
                .containsExactly(40_006, 40_006, 65_528, 70_006 - 65_528, 0);
        assertThat(NameValuePairs.decode(((Stream) records.get(0)).content(), 0, 40_006, 0, "PARAMS"))
                .containsExactly(new Pair("A", big));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (FastCgiRecord r : records) all.writeBytes(((Stream) r).content());
        assertThat(NameValuePairs.decode(all.toByteArray(), 0, all.size(), 0, "PARAMS")).isEqualTo(params);
    }

    @Test
    void theRequestHeadIsTheSameBytesAsItsRecordsEncodedOneByOne() throws Exception {
        java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("SCRIPT_FILENAME", "/srv/www/hello.php");
        params.put("HTTP_X_LONG", "v".repeat(300));    // a 4-byte value length
        params.put("N".repeat(130), "");               // a 4-byte name length, an empty value
        params.put("HTTP_X_BYTES", "\u00ff\u0080\u0000");
        for (boolean keep : new boolean[] {true, false}) {
            for (boolean endStdin : new boolean[] {true, false}) {
                for (java.util.Map<String, String> ps : List.of(params, java.util.Map.<String, String>of(),
                        java.util.Map.of("HTTP_X_HUGE", "h".repeat(70_000)))) {   // past one record: the general path
                    ByteArrayOutputStream expected = new ByteArrayOutputStream();
                    expected.writeBytes(RecordEncoder.encode(BeginRequest.responder(7, keep)));
                    RecordEncoder.params(7, ps.entrySet().stream().map(e -> new Pair(e.getKey(), e.getValue())).toList(), expected);
                    if (endStdin) expected.writeBytes(RecordEncoder.endOfStream(RecordType.STDIN, 7));
                    assertThat(hex(RecordEncoder.requestHead(7, keep, ps, endStdin))).isEqualTo(hex(expected.toByteArray()));
                }
            }
        }
        assertThatThrownBy(() -> RecordEncoder.requestHead(1, true, java.util.Map.of("X", "\u20ac"), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+20ac");
    }

    @Test
    void paddingUpTo255AndReservedBytesAreAccepted() throws Exception {
        byte[] b = concat(hex("01 06 00 01 00 02 ff 7f"), hex("41 42"), new byte[255]);
        assertThat(decodeAll(b)).containsExactly(new Stream(RecordType.STDOUT, 1, new byte[] {'A', 'B'}));
        byte[] begin = hex("01 01 00 01 00 08 00 00 00 01 01 ee ee ee ee ee");
        assertThat(decodeAll(begin)).containsExactly(BeginRequest.responder(1, true));
    }

    @Test
    void aRecordIsReturnedOnlyOnceItsPaddingIsIn() throws Exception {
        RecordDecoder d = new RecordDecoder();
        byte[] b = RecordEncoder.encode(new Stream(RecordType.STDOUT, 1, "hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(d.next(ByteBuffer.wrap(b, 0, 15))).isNull();
        assertThat(d.atRecordBoundary()).isFalse();
        assertThat(d.partialRecord()).isEqualTo("STDOUT record, 1 padding bytes missing");
        assertThat(d.next(ByteBuffer.wrap(b, 15, 1))).isEqualTo(new Stream(RecordType.STDOUT, 1, "hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(d.atRecordBoundary()).isTrue();
        assertThat(d.position()).isEqualTo(16);
        assertThat(d.next(ByteBuffer.wrap(hex("01 06 00")))).isNull();
        assertThat(d.partialRecord()).isEqualTo("3 of 8 header bytes");
        assertThat(d.next(ByteBuffer.wrap(hex("01 00 09 00 00 41")))).isNull();
        assertThat(d.partialRecord()).isEqualTo("STDOUT record, 1 of 9 content bytes");
    }

    @Test
    void oneBufferMayHoldManyRecords() throws Exception {
        byte[] b = Wire.encode(new Stream(RecordType.STDERR, 1, new byte[] {'e'}), new Stream(RecordType.STDOUT, 1, new byte[0]),
                new EndRequest(1, 0, ProtocolStatus.REQUEST_COMPLETE));
        RecordDecoder d = new RecordDecoder();
        ByteBuffer in = ByteBuffer.wrap(b);
        assertThat(d.next(in)).isInstanceOf(Stream.class);
        assertThat(in.position()).isEqualTo(16);
        assertThat(d.next(in)).isEqualTo(new Stream(RecordType.STDOUT, 1, new byte[0]));
        assertThat(d.next(in)).isInstanceOf(EndRequest.class);
        assertThat(d.next(in)).isNull();
    }

    // --- what a hostile server can send -------------------------------------------------------------------------

    @Test
    void wrongVersion() {
        assertError(concat(header(2, 6, 1, 0, 0)), 0, "unsupported FastCGI version 2 (expected 1)",
                "\"\\x02\\x06\\x00\\x01\\x00\\x00\\x00\\x00\"");
    }

    @Test
    void anHttpAnswerIsNamedAsSuch() {
        assertError("HTTP/1.1 400 Bad Request\r\n".getBytes(StandardCharsets.US_ASCII), 0,
                "the server answered in HTTP, not FastCGI", "\"HTTP/1.1\"");
    }

    @Test
    void unknownTypes() {
        assertError(header(1, 0, 1, 0, 0), 0, "unknown record type 0", null);
        assertError(header(1, 12, 1, 0, 0), 0, "unknown record type 12", null);
        assertError(header(1, 255, 1, 0, 0), 0, "unknown record type 255", null);
    }

    @Test
    void managementRecordsUseRequestZeroAndOnlyThey() {
        assertError(header(1, 10, 3, 0, 0), 0, "GET_VALUES_RESULT is a management record but has request id 3 (expected 0)", null);
        assertError(header(1, 6, 0, 0, 0), 0, "STDOUT record with request id 0, the management id", null);
        assertError(header(1, 3, 0, 8, 0), 0, "END_REQUEST record with request id 0, the management id", null);
    }

    @Test
    void fixedBodiesMustHaveTheirSize() {
        assertError(concat(header(1, 3, 1, 5, 0), new byte[5]), 0, "END_REQUEST with a 5-byte body (expected 8)",
                "\"\\x01\\x03\\x00\\x01\\x00\\x05\\x00\\x00\"");
        assertError(header(1, 1, 1, 9, 0), 0, "BEGIN_REQUEST with a 9-byte body (expected 8)", null);
        assertError(header(1, 2, 1, 1, 0), 0, "ABORT_REQUEST with a 1-byte body (expected 0)", null);
        assertError(header(1, 11, 0, 7, 0), 0, "UNKNOWN_TYPE with a 7-byte body (expected 8)", null);
    }

    @Test
    void headerErrorsComeBeforeAnyContentIsAwaited() throws Exception {
        RecordDecoder d = new RecordDecoder();
        assertThat(d.next(ByteBuffer.wrap(hex("01 0c 00 01 ff ff 00")))).isNull();
        assertThatThrownBy(() -> d.next(ByteBuffer.wrap(hex("00")))).hasMessageContaining("unknown record type 12");
        RecordDecoder lying = new RecordDecoder();
        assertThatThrownBy(() -> lying.next(ByteBuffer.wrap(header(1, 3, 1, 0xffff, 0))))
                .hasMessageContaining("END_REQUEST with a 65535-byte body");
    }

    @Test
    void unknownProtocolStatus() {
        assertError(concat(header(1, 3, 1, 8, 0), hex("00 00 00 00 09 00 00 00")), 12,
                "END_REQUEST with unknown protocolStatus 9", "\"\\x01\\x03\\x00\\x01\\x00\\x08\\x00\\x00\\x00\\x00\\x00\\x00\\t\\x00\\x00\\x00\"");
    }

    @Test
    void aPairThatRunsPastItsRecord() {
        // name length 5, value length 0x7fffffff (4 bytes, high bit), only 5 bytes left
        byte[] content = hex("05 ff ff ff ff 41 42 43 44 45");
        assertError(concat(header(1, 10, 0, content.length, 6), content, new byte[6]), 8,
                "GET_VALUES_RESULT name-value pair of 5+2147483647 bytes runs past its record (5 bytes left)",
                "\"\\x05\\xff\\xff\\xff\\xffABCDE\"");
    }

    @Test
    void aPairLengthCutOffByItsRecord() {
        assertError(concat(header(1, 10, 0, 3, 5), hex("01 80 00"), new byte[5]), 8,
                "GET_VALUES_RESULT name-value pair: 4-byte value length cut off by the end of its record", null);
        assertError(concat(header(1, 10, 0, 1, 7), hex("05"), new byte[7]), 8,
                "GET_VALUES_RESULT name-value pair cut off before its value length", null);
        // the second pair starts at content byte 3
        assertError(concat(header(1, 10, 0, 5, 3), hex("01 00 41 02 05"), new byte[3]), 11,
                "GET_VALUES_RESULT name-value pair of 2+5 bytes runs past its record (0 bytes left)", null);
    }

    @Test
    void getValuesWithAValue() {
        byte[] content = NameValuePairs.encode(List.of(new Pair("FCGI_MAX_CONNS", "9")));
        assertError(concat(header(1, 9, 0, content.length, RecordEncoder.padding(content.length)), content,
                new byte[RecordEncoder.padding(content.length)]), 0, "GET_VALUES asks for FCGI_MAX_CONNS with a non-empty value", null);
    }

    @Test
    void afterAnErrorEveryCallRethrowsIt() throws Exception {
        RecordDecoder d = new RecordDecoder();
        FastCgiProtocolException first = null;
        ByteBuffer in = ByteBuffer.wrap(concat(RecordEncoder.encode(new AbortRequest(1)), header(9, 6, 1, 0, 0)));
        assertThat(d.next(in)).isEqualTo(new AbortRequest(1));
        try {
            d.next(in);
        } catch (FastCgiProtocolException e) {
            first = e;
        }
        assertThat(first).isNotNull();
        assertThat(first.offset()).isEqualTo(8);
        FastCgiProtocolException f = first;
        assertThatThrownBy(() -> d.next(ByteBuffer.wrap(RecordEncoder.encode(new AbortRequest(1))))).isSameAs(f);
    }

    /** The error, its offset and reason; the quoted bytes if {@code quoted} is given. */
    private static void assertError(byte[] bytes, long offset, String reason, String quoted) {
        assertThatThrownBy(() -> decodeAll(bytes)).isInstanceOfSatisfying(FastCgiProtocolException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.offset()).isEqualTo(offset);
            if (quoted != null) assertThat(e.getMessage()).isEqualTo("at byte " + offset + ": " + reason + ": " + quoted);
        });
    }
}
