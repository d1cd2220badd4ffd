package org.tracegate.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.tracegate.e2e.Browser;

/**
 * The dashboard in headless Chromium: a hanging request appears with its pid and a growing age, its end button ends
 * it and the client gets 502.7, a 502.2 appears under its cause with a working trace link. Screenshots are kept in
 * target/ (operator-dashboard.png, operator-trace.png).
 */
class DashboardBrowserTest {
    @Test
    void inFlightEndButtonAndBadGatewaysByCause() throws Exception {
        try (OperatorServer os = OperatorServer.start(c -> c)) {
            assertThat(os.send(HttpRequest.newBuilder(os.site("/demo/dies-before-headers.sh"))).statusCode()).isEqualTo(502);
            CompletableFuture<HttpResponse<String>> hanging = os.client.sendAsync(HttpRequest.newBuilder(
                    os.site("/demo/hang.sh?session=secret")).header("Accept", "application/json")
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            String id = os.awaitInFlight(1, "hang.sh").getFirst().path("id").asText();

            ChromeDriver browser = Browser.start();
            try {
                // Without signing in: the table, but no end button (and the page refreshes itself).
                browser.get(os.operator("/").toString());
                assertThat(browser.findElements(By.cssSelector("meta[http-equiv=refresh]"))).hasSize(1);
                assertThat(row(browser, id).findElements(By.cssSelector("button.end"))).isEmpty();

                browser.get(os.operator("/login").toString());
                browser.findElement(By.id("token")).sendKeys(os.token());
                browser.findElement(By.id("signin")).click();
                await(browser, By.id("pause")).click();
                assertThat(browser.getCurrentUrl()).contains("pause=1");
                assertThat(browser.findElements(By.cssSelector("meta[http-equiv=refresh]"))).isEmpty();

                WebElement hang = row(browser, id);
                assertThat(hang.getText()).contains("GET").contains("/demo/hang.sh?(query hidden)").doesNotContain("secret")
                        .contains("EXECUTE_REQUEST_HANDLER").contains("127.0.0.1");
                long pid = Long.parseLong(hang.findElement(By.cssSelector("td.pid")).getText().trim());
                assertThat(pid).isPositive();
                long age1 = Long.parseLong(hang.findElement(By.cssSelector("td.age")).getDomAttribute("data-ms"));
                Thread.sleep(1200);
                browser.navigate().refresh();
                long age2 = Long.parseLong(row(browser, id).findElement(By.cssSelector("td.age")).getDomAttribute("data-ms"));
                assertThat(age2).as("the age grows").isGreaterThanOrEqualTo(age1 + 1000);

                WebElement cause = browser.findElement(By.cssSelector("#badgateways tr[data-cause=exited_before_headers]"));
                assertThat(cause.findElement(By.cssSelector("td.count")).getText()).isEqualTo("1");
                assertThat(cause.getText()).contains("502.2");
                keep(browser, "operator-dashboard.png");

                // The end button: the program's group is stopped, the client gets its own substatus.
                row(browser, id).findElement(By.cssSelector("button.end")).click();
                assertThat(await(browser, By.id("notice")).getText()).contains("Ended request " + id);
                HttpResponse<String> client = hanging.get(15, TimeUnit.SECONDS);
                assertThat(client.statusCode()).isEqualTo(502);
                assertThat(new ObjectMapper().readTree(client.body()).path("statusCode").asText()).isEqualTo("502.7");
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("program ended").isFalse();

                // The 502.2's latest example opens its trace with the analyzer's cause line on top.
                browser.get(os.operator("/?pause=1").toString());
                browser.findElement(By.cssSelector("#badgateways tr[data-cause=exited_before_headers] a.trace")).click();
                assertThat(await(browser, By.id("cause")).getText()).contains("Cause:").contains("exit");
                assertThat(browser.getPageSource()).contains("CGI_PREMATURE_TERMINATION");
                keep(browser, "operator-trace.png");

                // The traces list opens the FREB view, cause line on top; filtering by status narrows it.
                os.freb.awaitIdle(Duration.ofSeconds(10));
                browser.get(os.operator("/?pause=1&status=502.2").toString());
                var links = browser.findElements(By.cssSelector("#traces a"));
                assertThat(links).hasSize(1);
                links.getFirst().click();
                assertThat(await(browser, By.id("cause")).getText()).contains("Cause:");
                assertThat(browser.getPageSource()).contains("Request Summary");
                keep(browser, "operator-freb.png");

                // The failed-request rules, changed from the page: in force at once, shown back.
                browser.get(os.operator("/?pause=1").toString());
                WebElement rules = browser.findElement(By.id("rules"));
                assertThat(rules.getDomProperty("value")).contains("* 500-599");
                rules.clear();
                rules.sendKeys("* 404\n* 500-599\n");
                browser.findElement(By.id("rules-save")).click();
                assertThat(await(browser, By.id("rules-notice")).getText()).isEqualTo("In force: 2 rule(s).");
                assertThat(os.freb.rules()).hasSize(2);
            } finally {
                browser.quit();
            }
        }
    }

    private static WebElement row(ChromeDriver browser, String id) {
        return browser.findElement(By.cssSelector("#inflight tr[data-id='" + id + "']"));
    }

    private static void keep(ChromeDriver browser, String name) throws Exception {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Path kept = Path.of("target", name).toAbsolutePath();
        Files.createDirectories(kept.getParent());
        Files.copy(shot, kept, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(kept)).isGreaterThan(10_000);
    }

    /**
     * The element on the page a click led to. A click starts the navigation and may return before the new page is
     * there: looking at once raced it (a run once found no #rules-notice).
     */
    private static WebElement await(ChromeDriver browser, By by) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            var found = browser.findElements(by);
            if (!found.isEmpty() || System.nanoTime() > deadline) return found.isEmpty() ? browser.findElement(by) : found.getFirst();
            Thread.sleep(50);
        }
    }
}
