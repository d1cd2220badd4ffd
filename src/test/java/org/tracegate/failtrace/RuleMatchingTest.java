package org.tracegate.failtrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tracegate.config.StatusRange;
import org.tracegate.config.TraceRule;
import org.tracegate.config.TraceVerbosity;
import org.tracegate.trace.Area;
import org.tracegate.trace.Level;
import org.tracegate.trace.TraceEvent;

class RuleMatchingTest {

    @ParameterizedTest(name = "{0} matches {1}.{2}: {3}")
    @CsvSource({
            "'500-599', 502, 2, true", "'500-599', 500, 0, true", "'500-599', 599, 999, true",
            "'500-599', 404, 2, false", "'500-599', 600, 0, false",
            "'404.2', 404, 2, true", "'404.2', 404, 0, false", "'404.2', 404, 3, false",
            "'404', 404, 0, true", "'404', 404, 2, true", "'404', 405, 0, false",
            "'500-599,404.2', 404, 2, true", "'500-599,404.2', 404, 1, false",
            "'401.1-401.3', 401, 2, true", "'401.1-401.3', 401, 4, false", "'401.1-401.3', 401, 0, false",
            "' 502.2 , 503 ', 502, 2, true", "' 502.2 , 503 ', 503, 2, true", "' 502.2 , 503 ', 502, 3, false",
    })
    void statusRanges(String spec, int status, int sub, boolean expected) {
        CompiledRule r = new CompiledRule(Traces.rule("*", spec));
        assertThat(r.statusMatches(status, sub)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource({
            "'*', http://h:1/anything/at/all?q=1, true",
            "'*', http://h:1, true",
            "'/cgi-bin/*', http://h:1/cgi-bin/htmlos.exe, true",
            "'/cgi-bin/*', http://h:1/cgi-bin/a/b.sh?x=/cgi-bin/, true",
            "'/cgi-bin/*', http://h:1/static/cgi-bin/x, false",
            "'/cgi-bin/*', /cgi-bin/x?y, true",
            "'*.php', http://h:1/app/index.php, true",
            "'*.php', http://h:1/app/index.php?f=x.html, true",
            "'*.php', http://h:1/app/index.php/extra, false",
            "'*.php', http://h:1/index.phps, false",
            "'htmlos.exe', http://h:1/cgi-bin/htmlos.exe, true",
            "'htmlos.exe', http://h:1/cgi-bin/htmlos.exe2, false",
            "'/cgi-bin/?.sh', http://h:1/cgi-bin/a.sh, true",
            "'/cgi-bin/?.sh', http://h:1/cgi-bin/ab.sh, false",
            "'/a*b*c', http://h:1/aXXbYYbZc, true",
            "'/a*b*c', http://h:1/aXXbYYbZ, false",
            "'/CGI-BIN/*', http://h:1/cgi-bin/x, false",
    })
    void pathGlobs(String glob, String url, boolean expected) {
        assertThat(new CompiledRule(Traces.rule(glob, "500")).pathMatches(url)).isEqualTo(expected);
    }

    @Test
    void timeTakenIsStrictlyMoreThanTheLimit() {
        CompiledRule r = new CompiledRule(Traces.timeRule("*", Duration.ofSeconds(30)));
        assertThat(r.timeMatches(30_000)).isFalse();
        assertThat(r.timeMatches(30_001)).isTrue();
        assertThat(new CompiledRule(Traces.rule("*", "500")).timeMatches(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void verbosityAndAreasFilterEvents() {
        TraceRule errorsInCgi = new TraceRule("*", StatusRange.parseList("500-599"), null, TraceVerbosity.WARNING, Set.of("CGI"));
        CompiledRule r = new CompiledRule(errorsInCgi);
        assertThat(r.keeps(new TraceEvent.CgiPrematureTermination("", "1", ""))).isTrue(); // CGI, Error
        assertThat(r.keeps(new TraceEvent.CgiStderr("x"))).isTrue();                        // CGI, Warning
        assertThat(r.keeps(new TraceEvent.CgiLaunch("x", "0", 1))).isFalse();               // CGI, Information
        assertThat(r.keeps(new TraceEvent.ModuleSetResponseErrorStatus("m", 502, "r", 2, "e", "n"))).isFalse(); // General
        assertThat(r.keeps(new TraceEvent.GeneralRequestStart(1, "p", 1, 1, "/", "GET"))).isFalse();
    }

    @Test
    void everyConfigAreaAndVerbosityMapsToTheTraceModel() {
        assertThat(TraceRule.AREAS.stream().map(CompiledRule::area)).containsExactlyInAnyOrder(Area.values());
        assertThat(List.of(TraceVerbosity.values()).stream().map(CompiledRule::level)).containsExactly(Level.values());
    }
}
