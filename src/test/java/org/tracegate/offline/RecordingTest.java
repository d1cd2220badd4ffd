package org.tracegate.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tracegate.text.OctetText;
import org.tracegate.trace.TraceEvent;

/** What CGI_LAUNCH records comes back exactly: argv, every byte of the environment, its bound. */
class RecordingTest {
    @Test
    void octetTextRoundTripsEveryByte() {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 256; c++) all.append((char) c);
        all.append("\\x41 \\\\ end");
        String encoded = OctetText.encode(all.toString());
        assertThat(encoded).doesNotContain("\n", "\r", "\u0000").matches("[\\x20-\\x7e]*");
        assertThat(OctetText.decode(encoded)).isEqualTo(all.toString());
    }

    @Test
    void theEnvironmentComesBackInOrderAndBounded() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REQUEST_METHOD", "POST");
        env.put("HTTP_X_ODD", "caf\u00c3\u00a9 \u0001=\\");
        env.put("HTTP_AUTHORIZATION", "(hidden)");
        String text = String.valueOf(new TraceEvent.CgiLaunch("\"/x\"", "0", 1, "/srv", "65534:65534", env).fields()
                .get("Environment"));
        List<String> notes = new ArrayList<>();
        Map<String, String> back = RecordedRequest.environment(text, notes);
        assertThat(back).containsExactly(Map.entry("REQUEST_METHOD", "POST"),
                Map.entry("HTTP_X_ODD", "caf\u00c3\u00a9 \u0001=\\"));
        assertThat(notes).singleElement().asString().contains("HTTP_AUTHORIZATION was hidden");

        Map<String, String> big = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) big.put("HTTP_X_" + i, "v".repeat(1000));
        String cut = String.valueOf(new TraceEvent.CgiLaunch("\"/x\"", "0", 1, "/", "0:0", big).fields().get("Environment"));
        assertThat(cut.length()).isLessThanOrEqualTo(TraceEvent.CgiLaunch.ENVIRONMENT_CHARS + 40);
        notes.clear();
        assertThat(RecordedRequest.environment(cut, notes)).hasSizeLessThan(100);
        assertThat(notes).singleElement().asString().contains("more variables left out");
    }

    @Test
    void argvComesBackFromTheCommandLine() {
        assertThat(RecordedRequest.argv("\"/usr/bin/php-cgi\" \"/srv/a \\\"b\\\".php\""))
                .containsExactly("/usr/bin/php-cgi", "/srv/a \"b\".php");
    }
}
