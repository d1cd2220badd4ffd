package org.tracegate.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/** Whatever the input, the escaped text is well-formed XML and a parser hands back exactly what XML can carry. */
class MarkupProperties {

    @Provide
    Arbitrary<String> anything() {
        return Arbitraries.strings().withCharRange('\u0000', '\uFFFF').ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> carriable() {
        return Arbitraries.strings().withCharRange('\u0000', '\uFFFF').ofMaxLength(40)
                .map(s -> s.codePoints().filter(MarkupProperties::carriable)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString());
    }

    @Property(tries = 500)
    void anyInputMakesAWellFormedDocument(@ForAll("anything") String s) throws Exception {
        Element root = parse("<r a=\"" + Markup.xmlAttribute(s) + "\" b='" + Markup.xmlAttribute(s) + "'>"
                + Markup.xmlText(s) + "</r>");
        assertThat(root.getAttribute("a")).isEqualTo(root.getAttribute("b"));
    }

    @Property(tries = 500)
    void whatXmlCanCarryRoundTripsExactly(@ForAll("carriable") String s) throws Exception {
        Element root = parse("<r a=\"" + Markup.xmlAttribute(s) + "\">" + Markup.xmlText(s) + "</r>");
        assertThat(root.getAttribute("a")).isEqualTo(s);
        assertThat(root.getTextContent()).isEqualTo(s);
    }

    private static boolean carriable(int cp) {
        boolean c1 = cp >= 0x7F && cp <= 0x9F;
        return !c1 && (cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000);
    }

    private static Element parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(xml))).getDocumentElement();
    }
}
