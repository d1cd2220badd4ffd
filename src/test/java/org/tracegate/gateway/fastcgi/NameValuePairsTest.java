package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tracegate.gateway.fastcgi.Wire.hex;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;

class NameValuePairsTest {

    @Test
    void lengthsBelow128TakeOneByte() throws Exception {
        byte[] b = NameValuePairs.encode(List.of(new Pair("A", "bc")));
        assertThat(hex(b)).isEqualTo("01 02 41 62 63");
        assertThat(NameValuePairs.decode(b, 0, b.length, 0, "PARAMS")).containsExactly(new Pair("A", "bc"));
    }

    @Test
    void lengthsFrom128TakeFourBytesWithTheHighBit() throws Exception {
        Pair p127 = new Pair("N".repeat(127), "");
        Pair p128 = new Pair("N", "v".repeat(128));
        Pair p300 = new Pair("N".repeat(300), "v".repeat(70_000));
        byte[] b127 = NameValuePairs.encode(List.of(p127));
        byte[] b128 = NameValuePairs.encode(List.of(p128));
        assertThat(hex(b127).substring(0, 5)).isEqualTo("7f 00");
        assertThat(hex(b128).substring(0, 17)).isEqualTo("01 80 00 00 80 4e");
        assertThat(NameValuePairs.encodedLength(p300)).isEqualTo(8 + 300 + 70_000);
        byte[] all = NameValuePairs.encode(List.of(p127, p128, p300));
        assertThat(NameValuePairs.decode(all, 0, all.length, 0, "PARAMS")).containsExactly(p127, p128, p300);
        assertThat(hex(NameValuePairs.encode(List.of(p300))).substring(0, 23)).isEqualTo("80 00 01 2c 80 01 11 70");
    }

    @Test
    void namesAndValuesAreOctetStrings() throws Exception {
        Pair p = new Pair("HTTP_X_NAME", "caf\u00c3\u00a9 \u00ff");
        byte[] b = NameValuePairs.encode(List.of(p));
        assertThat(hex(b)).endsWith("63 61 66 c3 a9 20 ff");
        assertThat(NameValuePairs.decode(b, 0, b.length, 0, "PARAMS")).containsExactly(p);
        assertThatThrownBy(() -> NameValuePairs.encode(List.of(new Pair("X", "caf\u00e9\u20ac"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+20ac");
    }

    @Test
    void emptyContentHasNoPairsAndEmptyNamesAreAllowed() throws Exception {
        assertThat(NameValuePairs.decode(new byte[0], 0, 0, 0, "PARAMS")).isEmpty();
        assertThat(NameValuePairs.decode(hex("00 00"), 0, 2, 0, "PARAMS")).containsExactly(new Pair("", ""));
    }

    @Test
    void errorsCountFromTheirBase() {
        byte[] b = hex("ee ee 01 05 41 42");
        assertThatThrownBy(() -> NameValuePairs.decode(b, 2, 4, 1000, "GET_VALUES_RESULT"))
                .isInstanceOfSatisfying(FastCgiProtocolException.class, e -> {
                    assertThat(e.offset()).isEqualTo(1000);
                    assertThat(e.reason()).isEqualTo("GET_VALUES_RESULT name-value pair of 1+5 bytes runs past its record (2 bytes left)");
                    assertThat(e.offendingBytes()).isEqualTo(hex("01 05 41 42"));
                });
    }
}
