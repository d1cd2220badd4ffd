package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.gateway.GatewayRequest;

/**
 * Why Tracegate's view of a pool never asks the application (docs/fastcgi.md, "Watching a pool"): php-fpm's own status
 * page is served by a pool worker, so while every worker is busy it is not answered at all.
 */
class PhpFpmStatusPageTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void phpFpmsStatusPageWaitsForAWorkerWhileEveryWorkerIsBusy() throws Exception {
        try (PhpFpm fpm = PhpFpm.start(dir, 2, "pm.status_path = /fpm-status");
             ExchangeRig first = new ExchangeRig(); ExchangeRig second = new ExchangeRig(); ExchangeRig status = new ExchangeRig()) {
            fpm.script("hang.php", "<?php sleep(4); echo 'late';");
            FastCgiConnection a = FastCgiConnection.open(fpm.address(), CONNECT);
            FastCgiConnection b = FastCgiConnection.open(fpm.address(), CONNECT);
            FastCgiConnection s = FastCgiConnection.open(fpm.address(), CONNECT);
            try {
                CompletableFuture<ExchangeRig.Result> ra = CompletableFuture.supplyAsync(() -> first.serve(a, params(fpm, "hang.php"), null, false));
                CompletableFuture<ExchangeRig.Result> rb = CompletableFuture.supplyAsync(() -> second.serve(b, params(fpm, "hang.php"), null, false));
                Thread.sleep(1000);                               // both workers are in sleep(4) now
                long start = System.nanoTime();
                ExchangeRig.Result r = status.serve(s, params(fpm, "fpm-status"), null, false);
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                assertThat(r.completeHead().status()).isEqualTo(200);
                assertThat(status.sink.bodyText()).contains("accepted conn:").contains("active processes:");
                assertThat(waited).as("answered only once a hang.php was over").isGreaterThan(Duration.ofMillis(2000));
                assertThat(ra.get(10, TimeUnit.SECONDS).completeHead().status()).isEqualTo(200);
                assertThat(rb.get(10, TimeUnit.SECONDS).completeHead().status()).isEqualTo(200);
            } finally {
                a.close();
                b.close();
                s.close();
            }
        }
    }

    private static Map<String, String> params(PhpFpm fpm, String script) {
        Path file = fpm.docroot.resolve(script);
        GatewayRequest r = new GatewayRequest("GET", "/" + script, "", "/" + script, "", file, fpm.docroot, "HTTP/1.1",
                "localhost", 8080, "127.0.0.1", "127.0.0.1", 40000, false, -1, null,
                java.util.List.of(Map.entry("Host", "localhost")), false);
        return FastCgiParams.build(r, EnvironmentPolicy.defaults(), Map.of("PATH", "/usr/bin:/bin"), file.toString());
    }
}
