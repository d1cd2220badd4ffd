package org.tracegate.failtrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .htm as a browser renders it. Needs headless Chromium (CI installs it): a missing browser fails the
 * test rather than skipping it, so the rendering is never silently untested.
 */
class FrebHtmlChromiumTest {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TempDir Path dir;
    private Path htm;

    @BeforeEach
    void writeTheSeedTrace() throws Exception {
        try (FailedRequestTracer t = new FailedRequestTracer(Traces.tracing(50, 1024, Traces.rule("*", "500-599")), dir)) {
            t.requestEnded(Traces.seed());
            assertThat(t.awaitIdle(Duration.ofSeconds(10))).isTrue();
        }
        htm = dir.resolve("W3SVC1/fr000001.htm");
        assertThat(htm).exists();
    }

    @Test
    void theRenderedPageShowsTheSummaryTimelineAndCompactView() throws Exception {
        String dom = chromium("--dump-dom", htm.toUri().toString());
        assertThat(dom).contains("Request Summary", "Errors &amp; Warnings", "Request Details", "Compact View",
                "502.2", "CGI_PREMATURE_TERMINATION", "STATUS_CODE", "Tracegate", "CgiModule",
                "EXECUTE_REQUEST_HANDLER", "105906875", "Segmentation fault");
        // Program output is text in the page, never markup.
        assertThat(dom).contains("&lt;bye&gt;").doesNotContain("<bye>");
    }

    @Test
    void aScreenshotIsKeptAsATestArtifact() throws Exception {
        Path png = Path.of("target", "freb-screenshot.png").toAbsolutePath();
        Files.createDirectories(png.getParent());
        Path shot = dir.resolve("shot.png");
        chromium("--window-size=1200,1600", "--screenshot=" + shot, htm.toUri().toString());
        assertThat(shot).exists();
        Files.copy(shot, png, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(png)).as("screenshot size").isGreaterThan(10 * 1024);
        byte[] magic = Files.readAllBytes(png);
        assertThat(new String(magic, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    /** Runs headless Chromium with a fresh profile; returns its standard output. */
    private String chromium(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("headless Chromium is required for this test but " + CHROMIUM + " is missing or not executable: "
                    + "install it (Debian: apt-get install chromium) or set CHROMIUM to its path");
        }
        Path profile = Files.createTempDirectory(dir, "profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("chromium.out");
        Path err = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 90 s: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("chromium exit status; stderr: %s", Files.readString(err)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
