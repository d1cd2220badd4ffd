package org.tracegate.gateway.cgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NphStatusLineTest {

    private static NphStatusLine parse(String s) throws InvalidResponseHeadException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return NphStatusLine.parse(b, 0, b.length);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "HTTP/1.1 200 OK|HTTP/1.1|200|OK",
        "HTTP/1.0 404 Not Found|HTTP/1.0|404|Not Found",
        "HTTP/1.1 100|HTTP/1.1|100|\"\"",
        "\"HTTP/1.1 204 \"|HTTP/1.1|204|\"\"",
        "HTTP/1.1 599 x|HTTP/1.1|599|x",
        "\"HTTP/1.1 302 Found  \"|HTTP/1.1|302|\"Found  \"",
        "HTTP/1.1 200 caf\u00e9|HTTP/1.1|200|caf\u00e9",
        "\"HTTP/1.1 200 a\tb\"|HTTP/1.1|200|\"a\tb\"",
    })
    void valid(String line, String version, int status, String reason) throws Exception {
        assertThat(parse(line)).isEqualTo(new NphStatusLine(version, status, reason));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"|invalid HTTP version",
        "HTTP/1.1|invalid HTTP version",
        "HTTP/2 200 OK|invalid HTTP version",
        "HTTP/1.2 200 OK|invalid HTTP version",
        "http/1.1 200 OK|invalid HTTP version",
        "HTTP/1.1  200 OK|invalid status code",
        "\"HTTP/1.1\t200 OK\"|invalid HTTP version",
        "Status: 200 OK|invalid HTTP version",
        "\"HTTP/1.1 \"|invalid status code",
        "HTTP/1.1 20|invalid status code",
        "HTTP/1.1 2000|invalid status code",
        "HTTP/1.1 099 x|invalid status code",
        "HTTP/1.1 600 x|invalid status code",
        "HTTP/1.1 abc|invalid status code",
        "HTTP/1.1 200OK|invalid status code",
        "\"HTTP/1.1 200\tOK\"|invalid status code",
        "\"HTTP/1.1 200 OK\r\"|control character in reason",
        "\"HTTP/1.1 200 O\u0000K\"|control character in reason",
        "\"HTTP/1.1 200 O\u007fK\"|control character in reason",
    })
    void invalid(String line, String reason) {
        assertThatThrownBy(() -> parse(line)).isInstanceOfSatisfying(InvalidResponseHeadException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.lineNumber()).isEqualTo(1);
            assertThat(e.offendingBytes()).isEqualTo(line.getBytes(StandardCharsets.ISO_8859_1));
        });
    }

    @ParameterizedTest
    @MethodSource("org.tracegate.gateway.cgi.ResponseHeadParserTest#controlCharacters")
    void everyControlCharacterButHtabIsRejectedInTheReason(int ctl) {
        String line = "HTTP/1.1 200 O" + (char) ctl + "K";
        assertThatThrownBy(() -> parse(line)).isInstanceOfSatisfying(InvalidResponseHeadException.class, e -> {
            assertThat(e.reason()).isEqualTo("control character in reason");
            assertThat(e.offendingBytes()).isEqualTo(line.getBytes(StandardCharsets.ISO_8859_1));
        });
    }

    @Test
    void parsesOnlyTheGivenRange() throws Exception {
        byte[] b = "xxHTTP/1.0 301 Moved\r\nLocation: /".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(NphStatusLine.parse(b, 2, 18)).isEqualTo(new NphStatusLine("HTTP/1.0", 301, "Moved"));
        assertThatThrownBy(() -> NphStatusLine.parse(b, 30, 10)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void messageQuotesTheLine() {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 \u0001"))
                .hasMessage("line 1: control character in reason: \"HTTP/1.1 200 \\x01\"");
    }

    @Test
    void constructorValidates() {
        assertThatThrownBy(() -> new NphStatusLine("HTTP/2", 200, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NphStatusLine("HTTP/1.1", 99, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NphStatusLine("HTTP/1.1", 200, null)).isInstanceOf(NullPointerException.class);
    }
}
