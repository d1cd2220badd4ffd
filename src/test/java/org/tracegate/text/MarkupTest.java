package org.tracegate.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MarkupTest {

    @Test
    void htmlEscapesTheFiveMarkupCharactersAndNothingElse() {
        assertThat(Markup.html("&<>\"'")).isEqualTo("&amp;&lt;&gt;&quot;&#39;");
        assertThat(Markup.html("a\r\nb\tc\u0000\u001b[31m é €")).isEqualTo("a\r\nb\tc\u0000\u001b[31m é €");
        assertThat(Markup.html("\uD83D\uDE00 \uD800")).isEqualTo("\uD83D\uDE00 \uD800");
        assertThat(Markup.html(null)).isEmpty();
        assertThat(Markup.html("")).isEmpty();
    }

    @Test
    void htmlDefusesMarkupInText() {
        assertThat(Markup.html("<script>alert('x')</script>")).isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(Markup.html("\" onmouseover=\"x")).isEqualTo("&quot; onmouseover=&quot;x");
        assertThat(Markup.html("&amp;")).isEqualTo("&amp;amp;"); // never taken for an already escaped text
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', value = {
        // input code point (hex) | text form                       | attribute form
        "26   | &amp;   | &amp;",
        "3C   | &lt;    | &lt;",
        "3E   | &gt;    | &gt;",
        "22   | &quot;  | &quot;",
        "27   | &#39;   | &#39;",
        "D    | &#13;   | &#13;",
        "0    | \\x00   | \\x00",
        "1    | \\x01   | \\x01",
        "B    | \\x0B   | \\x0B",
        "C    | \\x0C   | \\x0C",
        "1B   | \\x1B   | \\x1B",
        "1F   | \\x1F   | \\x1F",
        "7F   | \\x7F   | \\x7F",
        "80   | \\x80   | \\x80",
        "85   | \\x85   | \\x85",
        "9F   | \\x9F   | \\x9F",
        "D800 | \\uD800 | \\uD800",
        "DBFF | \\uDBFF | \\uDBFF",
        "DC00 | \\uDC00 | \\uDC00",
        "DFFF | \\uDFFF | \\uDFFF",
        "FFFE | \\uFFFE | \\uFFFE",
        "FFFF | \\uFFFF | \\uFFFF",
    })
    void xmlWritesEachSpecialCharacterOneWay(String hex, String text, String attribute) {
        String s = Character.toString(Integer.parseInt(hex, 16));
        assertThat(Markup.xmlText(s)).isEqualTo(text);
        assertThat(Markup.xmlAttribute(s)).isEqualTo(attribute);
    }

    @Test
    void lineFeedAndTabAreReferencesOnlyInAttributes() {
        assertThat(Markup.xmlText("a\nb\tc")).isEqualTo("a\nb\tc");
        assertThat(Markup.xmlAttribute("a\nb\tc")).isEqualTo("a&#10;b&#9;c");
        assertThat(Markup.xmlText("HTTP/1.1 200 OK\r\n")).isEqualTo("HTTP/1.1 200 OK&#13;\n");
        assertThat(Markup.xmlAttribute("HTTP/1.1 200 OK\r\n")).isEqualTo("HTTP/1.1 200 OK&#13;&#10;");
    }

    @Test
    void xmlKeepsEveryCharacterXmlCanCarry() {
        String legal = " ~\u00A0é\u00FF\u0100€\uD7FF\uE000\uFFFD\uD800\uDC00\uD83D\uDE00\uDBFF\uDFFF";
        assertThat(Markup.xmlText(legal)).isEqualTo(legal);
        assertThat(Markup.xmlAttribute(legal)).isEqualTo(legal);
    }

    @Test
    void xmlHandlesHostileInput() {
        assertThat(Markup.xmlText("]]><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>&e;"))
                .isEqualTo("]]&gt;&lt;!DOCTYPE x [&lt;!ENTITY e SYSTEM &quot;file:///etc/passwd&quot;&gt;]&gt;&amp;e;");
        // A high surrogate at the very end, and a pair written backwards, are both lone surrogates.
        assertThat(Markup.xmlText("x\uD83D")).isEqualTo("x\\uD83D");
        assertThat(Markup.xmlText("\uDE00\uD83D")).isEqualTo("\\uDE00\\uD83D");
        assertThat(Markup.xmlAttribute("\u0000\r\n\t")).isEqualTo("\\x00&#13;&#10;&#9;");
    }

    @Test
    void appendsToTheBuilderAndWritesNullAsNothing() {
        StringBuilder sb = new StringBuilder("<a b=\"");
        Markup.xmlAttribute(sb, "1 < 2").append("\">");
        Markup.xmlText(sb, null).append("</a>");
        assertThat(sb).hasToString("<a b=\"1 &lt; 2\"></a>");
        assertThat(Markup.xmlText(null)).isEmpty();
        assertThat(Markup.xmlAttribute(null)).isEmpty();
    }
}
