package org.tracegate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The version the classes carry is the pom's, put there by resource filtering. */
public class VersionTest {

    /** The project's {@code <version>} as pom.xml says it. */
    public static String pomVersion() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        return XPathFactory.newInstance().newXPath().evaluate("/project/version", pom).strip();
    }

    @Test
    void theNumberIsThePomVersion() throws Exception {
        assertThat(Version.NUMBER).isEqualTo(pomVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(Version.PRODUCT).isEqualTo("Tracegate/" + pomVersion());
    }
}
