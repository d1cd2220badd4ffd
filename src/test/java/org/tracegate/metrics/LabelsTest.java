package org.tracegate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.ServerConfig;

/** The bounded label values, and the hour of recent requests behind the dashboard's numbers. */
class LabelsTest {
    @Test
    void unknownMethodsAreOther() {
        assertThat(HttpMethods.label("GET")).isEqualTo("GET");
        assertThat(HttpMethods.label("PATCH")).isEqualTo("PATCH");
        assertThat(HttpMethods.label("get")).isEqualTo("_OTHER");
        assertThat(HttpMethods.label("BREW")).isEqualTo("_OTHER");
        assertThat(HttpMethods.label(null)).isEqualTo("_OTHER");
    }

    @Test
    void theRouteIsTheLongestConfiguredPrefixNeverThePath() {
        ServerConfig c = ServerConfig.defaults().withCgi(List.of(new CgiMapping("/cgi-bin/", Path.of("/tmp"), false),
                new CgiMapping("/cgi-bin/admin/", Path.of("/tmp"), false)));
        Routes r = new Routes(c);
        assertThat(r.of("/cgi-bin/x.sh?a=b")).isEqualTo("/cgi-bin/");
        assertThat(r.of("http://h:1/cgi-bin/admin/y.sh/extra")).isEqualTo("/cgi-bin/admin/");
        assertThat(r.of("/cgi-bin")).isEqualTo("/cgi-bin/");
        assertThat(r.of("/cgi-binx/z")).isEqualTo("other");
        assertThat(r.of("/anything/else")).isEqualTo("other");
        assertThat(r.all()).containsExactly("/cgi-bin/admin/", "/cgi-bin/", "other");
        assertThat(new Routes(c.withDocumentRoot(Path.of("/tmp"))).of("/index.html")).isEqualTo("/");
    }

    @Test
    void windowsPercentilesAndTopScripts() {
        AtomicLong now = new AtomicLong(10_000_000);
        RecentRequests r = new RecentRequests(now::get);
        for (int i = 1; i <= 100; i++) {
            r.add(new RecentRequests.Done(now.get(), i * 1000L, i <= 10 ? 502 : 200, i <= 10 ? 2 : 0,
                    i <= 10 ? "/bad.sh" : "/good.sh", new java.util.UUID(0, i), i <= 10 ? BadGatewayCause.EXITED_BEFORE_HEADERS : null), "/u");
        }
        RecentRequests.Window w = r.window(Duration.ofMinutes(5));
        assertThat(w.requests()).isEqualTo(100);
        assertThat(w.errorRate()).isEqualTo(0.1);
        assertThat(w.p50Millis()).isEqualTo(50.0);
        assertThat(w.p99Millis()).isEqualTo(99.0);
        assertThat(r.topFailing(Duration.ofMinutes(5), 5)).extracting(RecentRequests.ScriptStats::script).containsExactly("/bad.sh");
        assertThat(r.slowest(Duration.ofMinutes(5), 1).getFirst().script()).isEqualTo("/good.sh");
        assertThat(r.badGatewayCounts()).containsEntry(BadGatewayCause.EXITED_BEFORE_HEADERS, 10L);
        assertThat(r.latest(BadGatewayCause.EXITED_BEFORE_HEADERS).requestId()).isEqualTo(new java.util.UUID(0, 10).toString());
        assertThat(r.topFailing(Duration.ofMinutes(5), 1).getFirst().exampleRequestId()).isEqualTo(new java.util.UUID(0, 10).toString());
        now.addAndGet(Duration.ofMinutes(6).toMillis());
        assertThat(r.window(Duration.ofMinutes(5)).requests()).isZero();
        assertThat(r.window(RecentRequests.HOUR).requests()).isEqualTo(100);
        now.addAndGet(Duration.ofMinutes(60).toMillis());
        assertThat(r.window(RecentRequests.HOUR).requests()).isZero();
        assertThat(r.badGatewayCounts()).as("counted since the start").containsEntry(BadGatewayCause.EXITED_BEFORE_HEADERS, 10L);
    }
}
