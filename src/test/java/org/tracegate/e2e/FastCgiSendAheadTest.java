package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.gateway.fastcgi.PhpFpm;
import org.tracegate.http.TestServer;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * {@code sendAhead} against a real php-fpm: a request that would wait for a connection is written behind the one
 * running on it. Each still gets its own answer under load; the one behind a request whose client left is answered on
 * the same connection; the one behind a request whose worker was killed is sent again on a fresh connection, since
 * php-fpm cannot have started it, and so is the one behind a request after which php-fpm closed the connection
 * (pm.max_requests); the one behind a hung request fails with it, named, and is not sent twice; nothing
 * is sent behind a script that ran slow.
 */
class FastCgiSendAheadTest {
    static PhpFpm fpm;
    /** Its workers exit after each request (pm.max_requests = 1): php-fpm closes the connection after END_REQUEST. */
    static PhpFpm recycling;
    static TestServer ts;
    static final BlockingQueue<RequestTrace> traces = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        // /php/ keeps 2 connections, /one/ 1; the rest are for scripts still sleeping after their request was cut.
        fpm = PhpFpm.start(Files.createTempDirectory("tracegate-fpm-ahead-"), 6);
        fpm.script("who.php", "<?php usleep(2000); header('Content-Type: text/plain'); echo $_SERVER['QUERY_STRING'];");
        // One slow script per test: a script that ran slow gets nothing sent behind it from then on.
        for (String name : List.of("slow-left", "slow-hung", "slow-known")) {
            fpm.script(name + ".php", "<?php usleep((int) ($_GET['ms'] ?? 1000) * 1000); echo 'slow done';");
        }
        // Writes its pid where the test finds it, then sleeps until the test kills it.
        fpm.script("pid.php", "<?php file_put_contents(__DIR__ . '/' . basename($_GET['f']), getmypid()); sleep(30);");
        Files.writeString(fpm.docroot.resolve("counter"), "");
        fpm.script("count.php", "<?php file_put_contents(__DIR__ . '/counter', $_GET['n'] . \"\\n\", FILE_APPEND);"
                + " echo 'counted ', $_GET['n'];");
        recycling = PhpFpm.start(Files.createTempDirectory("tracegate-fpm-recycling-"), 2, "pm.max_requests = 1");
        // Well over awaitRunning(): the request behind must find it still running, not just ended on a closing connection.
        recycling.script("first.php", "<?php usleep(1500000); echo 'first';");
        Files.writeString(recycling.docroot.resolve("counter"), "");
        recycling.script("count.php", "<?php file_put_contents(__DIR__ . '/counter', $_GET['n'] . \"\\n\", FILE_APPEND);"
                + " echo 'counted ', $_GET['n'];");
        ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(
                new FastCgiMapping("/recycle/", recycling.docroot, ".php", recycling.address().toString(), null, pool(1, 8),
                        EnvironmentPolicy.defaults()),
                new FastCgiMapping("/php/", fpm.docroot, ".php", fpm.address().toString(), null, pool(2, 8),
                        EnvironmentPolicy.defaults()),
                new FastCgiMapping("/one/", fpm.docroot, ".php", fpm.address().toString(), null, pool(1, 3),
                        EnvironmentPolicy.defaults())))
                .build(), traces::add);
    }

    /** {@code connections} kept, sendAhead on; {@code activity} the activity timeout in seconds. */
    static FastCgiPool pool(int connections, int activity) {
        FastCgiPool d = FastCgiPool.defaults();
        return new FastCgiPool(connections, d.instanceMaxRequests(), d.idleTimeout(), Duration.ofSeconds(activity),
                Duration.ofSeconds(60), d.queueLength(), d.queueTimeout(), d.rapidFailsPerMinute(), null, true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ts != null) ts.close();
        if (fpm != null) fpm.close();
        if (recycling != null) recycling.close();
    }

    @Test
    void underLoadEveryRequestSentAheadGetsItsOwnAnswer() throws Exception {
        traces.clear();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int client = t;
            clients.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 25; i++) {
                    String q = "c" + client + "-" + i;
                    try {
                        HttpResponse<String> r = ts.get("/php/who.php?" + q);
                        assertThat(r.statusCode()).isEqualTo(200);
                        assertThat(r.body()).isEqualTo(q);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            }));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        int ahead = 0;
        for (int i = 0; i < 200; i++) {
            RequestTrace t = traces.poll(10, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            TraceEvent.FastCgiAssignProcess a = t.first(TraceEvent.FastCgiAssignProcess.class);
            if (a.sentAhead()) {
                ahead++;
                assertThat(a.fields()).containsEntry("SentAhead", true);
            }
        }
        // 8 clients on 2 connections: most requests find both busy.
        assertThat(ahead).as("requests sent ahead of 200").isGreaterThan(20);
    }

    @Test
    void theRequestBehindOneWhoseClientLeftIsAnsweredOnTheSameConnection() throws Exception {
        traces.clear();
        CompletableFuture<HttpResponse<String>> behind;
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.getOutputStream().write("GET /one/slow-left.php?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            awaitRunning();
            behind = ts.client.sendAsync(ts.request("/one/who.php?behind").build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);                          // sent behind slow-left.php by now
        }
        // The client of slow-left.php left: it is aborted without ABORT_REQUEST (a request is behind it), php-fpm finishes
        // it, and the connection carries on with the request behind.
        HttpResponse<String> r = behind.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("behind");
        RequestTrace t = traceFor("/one/who.php");
        List<TraceEvent.FastCgiAssignProcess> assigned = assigned(t);
        assertThat(assigned).hasSize(1);
        assertThat(assigned.getFirst().sentAhead()).isTrue();
        assertThat(t.last(TraceEvent.FastCgiEnd.class).connectionKept()).isTrue();
        assertThat(ts.get("/one/who.php?after").body()).isEqualTo("after");
    }

    @Test
    void theRequestBehindOneWhoseWorkerWasKilledIsSentAgainOnAFreshConnection() throws Exception {
        traces.clear();
        Path pidFile = fpm.docroot.resolve("killed.pid");
        Files.deleteIfExists(pidFile);
        CompletableFuture<HttpResponse<String>> first = ts.client.sendAsync(ts.request("/one/pid.php?f=killed.pid")
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        for (int i = 0; i < 100 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) Thread.sleep(50);
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        CompletableFuture<HttpResponse<String>> behind = ts.client.sendAsync(ts.request("/one/count.php?n=killed-behind")
                .build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);                              // sent behind pid.php by now
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        HttpResponse<String> killed = first.get(10, TimeUnit.SECONDS);
        assertThat(killed.statusCode()).isEqualTo(502);
        assertThat(killed.body()).contains("\"statusCode\":\"502.2\"");
        HttpResponse<String> r = behind.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("counted killed-behind");
        assertThat(Files.readAllLines(fpm.docroot.resolve("counter"))).as("run once").containsOnlyOnce("killed-behind");
        assertSentAheadThenAgainOnAFreshConnection("/one/count.php");
    }

    @Test
    void theRequestBehindOneAfterWhichPhpFpmClosesTheConnectionIsSentAgainOnAFreshOne() throws Exception {
        traces.clear();
        CompletableFuture<HttpResponse<String>> first = ts.client.sendAsync(ts.request("/recycle/first.php").build(),
                HttpResponse.BodyHandlers.ofString());
        awaitRunning();
        HttpResponse<String> behind = ts.get("/recycle/count.php?n=recycled-behind");
        assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("first");
        assertThat(behind.statusCode()).isEqualTo(200);
        assertThat(behind.body()).isEqualTo("counted recycled-behind");
        assertThat(Files.readAllLines(recycling.docroot.resolve("counter"))).as("run once").containsExactly("recycled-behind");
        assertSentAheadThenAgainOnAFreshConnection("/recycle/count.php");
    }

    @Test
    void theRequestBehindAHungOneFailsWithItNamedAndIsNotSentTwice() throws Exception {
        traces.clear();
        // slow-hung.php outlasts /one/'s activity timeout (3 s) and the abort grace: its connection is closed under it.
        CompletableFuture<HttpResponse<String>> hung = ts.client.sendAsync(ts.request("/one/slow-hung.php?ms=8000")
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        awaitRunning();
        CompletableFuture<HttpResponse<String>> behind = ts.client.sendAsync(ts.request("/one/count.php?n=hung-behind")
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(hung.get(20, TimeUnit.SECONDS).body()).contains("\"statusCode\":\"502.1\"");
        HttpResponse<String> r = behind.get(20, TimeUnit.SECONDS);
        // php-fpm may have read it by the time the connection closed: it is not sent again, and says why.
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(ts.errorLog()).contains("never got to it: the connection it was sent ahead on was closed under the "
                + "request before it, which was cut; the server may still read and run this one, so it is not sent again");
        RequestTrace t = traceFor("/one/count.php");
        assertThat(assigned(t)).hasSize(1);
        assertThat(t.first(TraceEvent.FastCgiAssignProcess.class).sentAhead()).isTrue();
        assertThat(t.last(TraceEvent.FastCgiEnd.class).end()).isEqualTo("LOST_AHEAD");
        Thread.sleep(6000);                             // slow-hung.php ends; php-fpm never ran the request behind it
        assertThat(Files.readAllLines(fpm.docroot.resolve("counter"))).doesNotContain("hung-behind");
        assertThat(ts.get("/one/who.php?after").body()).isEqualTo("after");
    }

    @Test
    void aScriptThatRanSlowGetsNoRequestSentBehindIt() throws Exception {
        assertThat(ts.get("/one/slow-known.php?ms=200").body()).isEqualTo("slow done");   // 200 ms: over the 50 ms bound
        traces.clear();
        CompletableFuture<HttpResponse<String>> slow = ts.client.sendAsync(ts.request("/one/slow-known.php?ms=1000").build(),
                HttpResponse.BodyHandlers.ofString());
        awaitRunning();
        HttpResponse<String> r = ts.get("/one/who.php?queued");
        assertThat(r.body()).isEqualTo("queued");
        assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("slow done");
        List<TraceEvent.FastCgiAssignProcess> assigned = assigned(traceFor("/one/who.php"));
        assertThat(assigned).hasSize(1);
        assertThat(assigned.getFirst().sentAhead()).as("queued for the connection instead").isFalse();
    }

    /** Gives the request just sent time to reach php-fpm (its worker is then busy with it). */
    private static void awaitRunning() throws InterruptedException {
        Thread.sleep(300);
    }

    /** The trace of {@code path}'s request: assigned twice, sent ahead first, then alone on a fresh connection. */
    private static void assertSentAheadThenAgainOnAFreshConnection(String path) throws InterruptedException {
        List<TraceEvent.FastCgiAssignProcess> assigned = assigned(traceFor(path));
        assertThat(assigned).hasSize(2);
        assertThat(assigned.get(0).sentAhead()).isTrue();
        assertThat(assigned.get(1).sentAhead()).isFalse();
        assertThat(assigned.get(1).isNewProcess()).as("a fresh connection").isTrue();
    }

    private static List<TraceEvent.FastCgiAssignProcess> assigned(RequestTrace t) {
        return t.records().stream().map(org.tracegate.trace.TraceRecord::event)
                .filter(TraceEvent.FastCgiAssignProcess.class::isInstance).map(TraceEvent.FastCgiAssignProcess.class::cast)
                .toList();
    }

    private static RequestTrace traceFor(String path) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            RequestTrace t = traces.poll(1, TimeUnit.SECONDS);
            if (t == null) continue;
            TraceEvent.GeneralRequestStart s = t.first(TraceEvent.GeneralRequestStart.class);
            if (s != null && s.requestUrl().contains(path)) return t;
        }
        throw new AssertionError("no trace of " + path);
    }
}
