package org.tracegate.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** Whatever a client sends, a record stays one line with every field in its place. */
class AccessLogProperties {

    @Property(tries = 500)
    void aW3cLineIsOneLineWithEveryField(@ForAll String userAgent, @ForAll String referer, @ForAll String stem)
            throws IOException {
        AccessRecord r = Records.withAgent(userAgent, referer);
        r = new AccessRecord(r.time(), r.serverIp(), r.serverPort(), r.method(), stem, r.uriQuery(), r.username(),
                r.clientIp(), r.clientPort(), r.userAgent(), r.referer(), r.protocol(), r.status(), r.subStatus(),
                r.win32Status(), r.bytesSent(), r.bytesReceived(), r.timeTakenMillis(), r.activityId(),
                r.programExit(), r.host());
        String line = W3cLogWriter.line(r);

        assertThat(line.lines().count()).isEqualTo(1);
        assertThat(line.codePoints()).noneMatch(cp -> cp != ' ' && (Character.isWhitespace(cp) || Character.isISOControl(cp)));
        List<Map<String, String>> rows = W3cLogParser.parse(new StringReader(W3cLogWriter.header(r.time()) + line + "\n"));
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row).containsEntry("sc-status", "502").containsEntry("x-program-exit", "SIGSEGV");
            assertThat(row.get("cs-uri-stem")).isEqualTo(W3cLogWriter.value(stem).equals("-") ? "" : W3cLogWriter.value(stem));
        });
    }

    @Property(tries = 300)
    void textWithoutControlsRoundTripsThroughPlusDecoding(
            @ForAll @StringLength(min = 1, max = 40) @CharRange(from = '!', to = '~') @Chars({' '}) String userAgent) {
        String shown = W3cLogWriter.value(userAgent);
        if (!userAgent.contains("+")) assertThat(W3cLogParser.decodePlus(shown)).isEqualTo(userAgent);
        assertThat(shown).doesNotContain(" ");
    }

    @Property(tries = 500)
    void anNcsaLineMatchesTheCombinedFormat(@ForAll String userAgent, @ForAll String referer) {
        String line = NcsaLogWriter.line(Records.withAgent(userAgent, referer));
        assertThat(line.lines().count()).isEqualTo(1);
        assertThat(NcsaLogWriterTest.COMBINED.matcher(line).matches()).as(line).isTrue();
    }
}
