package org.tracegate.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.cgi.CgiEnvironment;

/** The per-request environment of a typical browser GET with 12 headers and the default policy. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseSerialGC")
public class CgiEnvironmentBench {

    private GatewayRequest request;
    private final EnvironmentPolicy policy = EnvironmentPolicy.defaults();
    private final Map<String, String> serverEnv = System.getenv();

    @Setup
    public void setup() {
        List<Map.Entry<String, String>> headers = List.of(
                Map.entry("Host", "www.example.com"),
                Map.entry("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
                Map.entry("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                Map.entry("Accept-Language", "en-US,en;q=0.5"),
                Map.entry("Accept-Encoding", "gzip, deflate, br, zstd"),
                Map.entry("Referer", "https://www.example.com/cgi-bin/app.cgi/list?page=2"),
                Map.entry("Connection", "keep-alive"),
                Map.entry("Cookie", "sid=3f9a2c7d41e0b5a6; theme=dark"),
                Map.entry("Upgrade-Insecure-Requests", "1"),
                Map.entry("Sec-Fetch-Dest", "document"),
                Map.entry("Sec-Fetch-Mode", "navigate"),
                Map.entry("Priority", "u=0, i"));
        request = new GatewayRequest("GET", "/cgi-bin/app.cgi/items/42?sort=name&dir=asc", "sort=name&dir=asc",
                "/cgi-bin/app.cgi", "/items/42", Path.of("/srv/www/cgi-bin/app.cgi"), Path.of("/srv/www/"),
                "HTTP/1.1", "www.example.com", 8080, "127.0.0.1", "127.0.0.1", 53124, false, -1, null,
                headers, false);
    }

    @Benchmark
    public Map<String, String> build12Headers() {
        return CgiEnvironment.build(request, policy, serverEnv);
    }
}
