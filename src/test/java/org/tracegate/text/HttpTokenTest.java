package org.tracegate.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpTokenTest {
    /** RFC 9110 §5.6.2, spelled out. */
    private static final String TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Test
    void tcharIsExactlyTheRfcSetOverEveryChar() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            assertThat(HttpToken.isTchar((char) c)).as("U+%04X", c).isEqualTo(TCHAR.indexOf(c) >= 0);
        }
    }

    @Test
    void everyByteSeenAsACharIsJudgedByTheSameSet() {
        for (int b = -128; b < 128; b++) {
            char c = (char) (b & 0xff);
            assertThat(HttpToken.isTchar(c)).as("byte 0x%02X", b & 0xff).isEqualTo(TCHAR.indexOf(c) >= 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "M-SEARCH", "X-Custom_1", "!#$%&'*+-.^_`|~", "a"})
    void tokens(String s) {
        assertThat(HttpToken.isToken(s)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GET ", " GET", "G T", "GET\t", "X:Y", "X\"Y", "(x)", "a,b", "a;b", "a/b", "a=b",
            "a@b", "[a]", "{a}", "a?b", "a\\b", "X\u0000Y", "X\r\nY", "\u007F", "Über", "Ｘ", "\uD83D\uDE00"})
    void notTokens(String s) {
        assertThat(HttpToken.isToken(s)).isFalse();
    }

    @Test
    void nullIsNotAToken() {
        assertThat(HttpToken.isToken(null)).isFalse();
        assertThat(HttpToken.isToken(new StringBuilder("PUT"))).isTrue();
    }
}
