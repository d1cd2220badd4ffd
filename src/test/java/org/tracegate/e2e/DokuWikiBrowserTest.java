package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.tracegate.http.TestServer;

/**
 * DokuWiki (Debian's package, examples/dokuwiki.toml) rendered in a real browser: the start page loads with its
 * stylesheet applied and no broken image; the screenshot is kept in target/ as a test artifact.
 */
class DokuWikiBrowserTest {
    @Test
    void theStartPageRendersWithNoBrokenImage() throws Exception {
        try (TestServer ts = TestServer.startWith(ApplicationsTest.example("dokuwiki.toml", Map.of()))) {
            ChromeDriver browser = Browser.start();
            try {
                browser.get(ts.uri("/dokuwiki/").toString());
                assertThat(browser.getTitle()).contains("DokuWiki");
                @SuppressWarnings("unchecked")
                List<String> broken = (List<String>) browser.executeScript(
                        "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src);");
                List<?> images = (List<?>) browser.executeScript("return Array.from(document.images).map(i => i.src);");
                assertThat(images).as("the page has images").isNotEmpty();
                assertThat(broken).as("broken images").isEmpty();
                Object sheets = browser.executeScript("return document.styleSheets.length;");
                assertThat(((Number) sheets).intValue()).as("stylesheets loaded").isPositive();
                Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
                Path kept = Path.of("target", "dokuwiki-screenshot.png").toAbsolutePath();
                Files.createDirectories(kept.getParent());
                Files.copy(shot, kept, StandardCopyOption.REPLACE_EXISTING);
                assertThat(Files.size(kept)).isGreaterThan(10_000);
            } finally {
                browser.quit();
            }
        }
    }
}
