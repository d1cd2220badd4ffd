package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.tracegate.gateway.fastcgi.FastCgiRecord.AbortRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.EndRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValues;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;
import org.tracegate.gateway.fastcgi.FastCgiRecord.UnknownType;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;

class RecordCodecProperties {

    @Provide
    Arbitrary<String> octets() {
        // Lengths around the 1-/4-byte boundary at 128 come up often.
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff')
                .ofMinLength(0).ofMaxLength(300).edgeCases(e -> e.add("x".repeat(127)).add("y".repeat(128)));
    }

    @Provide
    Arbitrary<Pair> pairs() { return Combinators.combine(octets(), octets()).as(Pair::new); }

    @Provide
    Arbitrary<FastCgiRecord> records() {
        Arbitrary<Integer> ids = Arbitraries.integers().between(1, 0xffff);
        Arbitrary<byte[]> contents = Arbitraries.bytes().array(byte[].class).ofMaxSize(600)
                .edgeCases(e -> e.add(new byte[FastCgiRecord.MAX_CONTENT]).add(new byte[RecordEncoder.MAX_WRITE_CONTENT]));
        Arbitrary<RecordType> streams = Arbitraries.of(RecordType.PARAMS, RecordType.STDIN, RecordType.STDOUT,
                RecordType.STDERR, RecordType.DATA);
        return Arbitraries.oneOf(
                Combinators.combine(ids, Arbitraries.integers().between(0, 0xffff), Arbitraries.integers().between(0, 0xff))
                        .as(BeginRequest::new),
                ids.map(AbortRequest::new),
                Combinators.combine(ids, Arbitraries.integers(), Arbitraries.of(ProtocolStatus.class)).as(EndRequest::new),
                Combinators.combine(streams, ids, contents).as(Stream::new),
                octets().list().ofMaxSize(8).map(GetValues::new),
                pairs().list().ofMaxSize(8).map(GetValuesResult::new),
                Arbitraries.integers().between(0, 0xff).map(UnknownType::new));
    }

    @Property(tries = 500)
    void encodeThenDecodeGivesTheRecordBack(@ForAll("records") FastCgiRecord r) throws Exception {
        byte[] b = RecordEncoder.encode(r);
        assertThat(b.length % 8).isZero();
        assertThat(Wire.decodeAll(b)).containsExactly(r);
    }

    @Property(tries = 300)
    void nameValuePairsRoundTrip(@ForAll @Size(max = 20) List<@From("pairs") Pair> pairs) throws Exception {
        byte[] b = NameValuePairs.encode(pairs);
        assertThat(b).hasSize(pairs.stream().mapToInt(NameValuePairs::encodedLength).sum());
        assertThat(NameValuePairs.decode(b, 0, b.length, 0, "PARAMS")).isEqualTo(pairs);
    }

    @Property(tries = 300)
    void anySplitOfAValidStreamDecodesIdentically(@ForAll @Size(max = 12) List<@From("records") FastCgiRecord> records,
                                                  @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 1, max = 700) Integer> chunks)
            throws Exception {
        byte[] b = Wire.encode(records.toArray(FastCgiRecord[]::new));
        assertThat(Wire.decodeAll(new RecordDecoder(), b, chunks)).isEqualTo(records);
    }

    @Property(tries = 1000)
    void randomBytesNeverThrowAnythingButTheProtocolError(@ForAll @Size(max = 2000) byte[] bytes,
                                                          @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 300) Integer> chunks) {
        decodeAllowingOnlyProtocolErrors(bytes, chunks);
    }

    /** Valid streams with a few bytes changed reach deep into the rules, where pure noise rarely gets. */
    @Property(tries = 1000)
    void corruptedStreamsNeverThrowAnythingButTheProtocolError(
            @ForAll @Size(min = 1, max = 6) List<@From("records") FastCgiRecord> records,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
            @ForAll @Size(min = 4, max = 4) List<@IntRange(min = 0, max = 255) Integer> values,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 300) Integer> chunks) {
        byte[] b = Wire.encode(records.toArray(FastCgiRecord[]::new));
        for (int i = 0; i < positions.size(); i++) b[positions.get(i) % b.length] = (byte) (int) values.get(i);
        decodeAllowingOnlyProtocolErrors(b, chunks);
    }

    /** However the bytes are split, the same records come out, and the same error (reason and offset) if any. */
    @Property(tries = 500)
    void theOutcomeDoesNotDependOnTheSplit(
            @ForAll @Size(min = 1, max = 6) List<@From("records") FastCgiRecord> records,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position, @ForAll @IntRange(min = 0, max = 255) int value,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 300) Integer> chunks) {
        byte[] b = Wire.encode(records.toArray(FastCgiRecord[]::new));
        b[position % b.length] = (byte) value;
        assertThat(outcome(b, List.of(b.length))).isEqualTo(outcome(b, chunks));
    }

    private static void decodeAllowingOnlyProtocolErrors(byte[] bytes, List<Integer> chunks) {
        try {
            Wire.decodeAll(new RecordDecoder(), bytes, chunks);
        } catch (FastCgiProtocolException e) {
            assertThat(e.getMessage()).startsWith("at byte " + e.offset() + ": ");
            assertThat(e.offset()).isBetween(0L, (long) bytes.length);
        }
    }

    /** The records decoded before the end or the error, and the error's reason and offset. */
    private static List<Object> outcome(byte[] b, List<Integer> chunks) {
        RecordDecoder d = new RecordDecoder();
        List<Object> out = new ArrayList<>();
        int p = 0;
        try {
            for (int i = 0; p < b.length; i++) {
                int n = Math.min(chunks.get(i % chunks.size()), b.length - p);
                java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(b, p, n);
                for (FastCgiRecord r; (r = d.next(in)) != null; ) out.add(r);
                p += n;
            }
            out.add("end at " + d.position() + (d.atRecordBoundary() ? "" : ", partial: " + d.partialRecord()));
        } catch (FastCgiProtocolException e) {
            out.add(e.offset() + ": " + e.reason());
        }
        return out;
    }
}
