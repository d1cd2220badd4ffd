package org.tracegate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tracegate.config.ServerConfig;

/** The FastCGI pool gauges: one label set per site and application (two [[site]]s may map the same prefix). */
class FastCgiPoolGaugeTest {
    @Test
    void twoSitesWithTheSamePrefixEachHaveTheirGauges() {
        try (ServerMetrics m = new ServerMetrics(ServerConfig.defaults(), new LiveRequests(), new RecentRequests(),
                new FailedTraces())) {
            m.pool(new FastCgiPoolView(1, "/php/", false, "unix:/a.sock", 2, 10, () -> new FastCgiPoolView.Now(2, 0, 3, null, null)));
            m.pool(new FastCgiPoolView(2, "/php/", false, "unix:/b.sock", 2, 10, () -> new FastCgiPoolView.Now(1, 1, 7, null, null)));
            String body = m.scrape(null).body();
            assertThat(body.lines().filter(l -> l.startsWith("tracegate_fastcgi_queue_length")).toList()).as("one queue gauge per application").hasSize(2);
        }
    }
}
