package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.gateway.GatewayRequest;
import org.tracegate.gateway.cgi.Cutoff;
import org.tracegate.gateway.cgi.HeadRead;
import org.tracegate.gateway.cgi.RelayEnd;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValues;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;
import org.tracegate.trace.TraceEvent;

/** The exchange against a real php-fpm (Debian's php-fpm package), started for this class on a private socket. */
class PhpFpmTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    private static PhpFpm fpm;
    private final ExchangeRig rig = new ExchangeRig();
    private final List<FastCgiConnection> connections = new ArrayList<>();

    @BeforeAll
    static void startPhpFpm() throws Exception {
        fpm = PhpFpm.start(dir);
        fpm.script("hello.php", "<?php header('X-Hello: 1'); echo 'hello from ', PHP_SAPI, ' pid ', getmypid(), \"\\n\";");
        fpm.script("env.php", "<?php foreach (['GATEWAY_INTERFACE', 'SERVER_SOFTWARE', 'REQUEST_METHOD', 'QUERY_STRING',"
                + " 'SCRIPT_NAME', 'SCRIPT_FILENAME', 'HTTP_HOST'] as $k) echo $k, '=', $_SERVER[$k] ?? '-', \"\\n\";"
                + " echo 'X_NAME=', bin2hex($_SERVER['HTTP_X_NAME'] ?? ''), \"\\n\";");
        fpm.script("input.php", "<?php $in = file_get_contents('php://input'); echo strlen($in), ' ', md5($in);");
        fpm.script("big.php", "<?php header('Content-Type: application/octet-stream'); $c = str_repeat('0123456789abcdef', 4096);"
                + " for ($i = 0; $i < 320; $i++) echo $c;");
        fpm.script("stderr.php", "<?php error_log(str_repeat('a', 3000) . 'END-A'); error_log(str_repeat('b', 5000) . 'END-B');"
                + " echo 'ok';");
        fpm.script("phpstderr.php", "<?php fwrite(fopen('php://stderr', 'w'), \"to-the-worker-stderr\\n\"); echo 'ok';");
        fpm.script("pid-then-sleep.php", "<?php header('Content-Type: text/plain'); echo getmypid(), \"\\n\"; flush(); sleep(20);");
        fpm.script("sleep-first.php", "<?php file_put_contents(__DIR__ . '/sleeper.pid', getmypid()); sleep(20); echo 'late';");
        fpm.script("slow.php", "<?php sleep(3); echo 'late';");
    }

    @AfterAll
    static void stopPhpFpm() throws Exception {
        if (fpm != null) fpm.close();
    }

    @AfterEach
    void tearDown() {
        connections.forEach(FastCgiConnection::close);
        rig.close();
    }

    @Test
    void helloThroughTheExchange() throws Exception {
        ExchangeRig.Result r = rig.serve(connect(), params("GET", "hello.php", "", -1), null, false);
        assertThat(r.completeHead().status()).isEqualTo(200);
        assertThat(rig.sink.header("X-Hello")).isEqualTo("1");
        assertThat(rig.sink.header("Content-type")).isEqualTo("text/html; charset=UTF-8");
        assertThat(rig.sink.bodyText()).startsWith("hello from fpm-fcgi pid ");
        assertThat(rig.sink.ended).isTrue();
        assertThat(r.relay()).isInstanceOf(RelayEnd.Completed.class);
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE));
        assertThat(r.report().stderrBytes()).isZero();
        assertThat(r.report().connectionKept()).isFalse();
    }

    @Test
    void theCgiMetaVariablesReachPhpAsBytes() throws Exception {
        Map<String, String> params = params("GET", "env.php", "a=1&b=%C3%A9", -1,
                List.of(Map.entry("Host", "example.test"), Map.entry("X-Name", "caf\u00c3\u00a9")));
        rig.serve(connect(), params, null, false);
        assertThat(rig.sink.bodyText()).isEqualTo(String.join("\n",
                "GATEWAY_INTERFACE=CGI/1.1", "SERVER_SOFTWARE=" + org.tracegate.config.Version.PRODUCT, "REQUEST_METHOD=GET",
                "QUERY_STRING=a=1&b=%C3%A9", "SCRIPT_NAME=/env.php", "SCRIPT_FILENAME=" + fpm.docroot.resolve("env.php"),
                "HTTP_HOST=example.test", "X_NAME=636166c3a9", ""));
    }

    @Test
    void aPostBodyReachesPhpInput() throws Exception {
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        ExchangeRig.Result r = rig.serve(connect(), params("POST", "input.php", "", body.length), new ByteArrayInputStream(body), false);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        assertThat(rig.sink.bodyText()).isEqualTo(body.length + " " + md5);
        assertThat(r.report().bytesFromClient()).isEqualTo(body.length);
        assertThat(r.report().bytesToServer()).isEqualTo(body.length);
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE));
    }

    @Test
    void aLargeResponseIsStreamed() throws Exception {
        ExchangeRig.Result r = rig.serve(connect(), params("GET", "big.php", "", -1), null, false);
        byte[] body = rig.sink.body();
        assertThat(body).hasSize(20 << 20);
        byte[] pattern = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < body.length; i += 4099) assertThat(body[i]).isEqualTo(pattern[i % 16]);
        assertThat(r.relay()).isEqualTo(new RelayEnd.Completed(20 << 20));
        assertThat(rig.sink.ended).isTrue();
        assertThat(r.report().stdoutBytes()).isGreaterThan(20 << 20);
    }

    @Test
    void errorLogMessagesAreCapturedWholeBeyondOneKiB() throws Exception {
        ExchangeRig.Result r = rig.serve(connect(), params("GET", "stderr.php", "", -1), null, false);
        // php-fpm joins a request's messages with "; " and sends no newline at all.
        String stderr = "PHP message: " + "a".repeat(3000) + "END-A; PHP message: " + "b".repeat(5000) + "END-B";
        assertThat(rig.sink.bodyText()).isEqualTo("ok");
        assertThat(r.report().stderrBytes()).isEqualTo(stderr.length());
        assertThat(r.report().stderrTail()).isEqualTo(stderr);
        // Log lines end at 4 KiB and at record ends (php-fpm flushes its 8 KiB buffer anywhere); nothing is cut.
        List<String> payloads = rig.stderrLines().stream().map(l -> l.substring("fastcgi: stderr: ".length(),
                l.indexOf(" (fastcgi unix:"))).toList();
        assertThat(String.join("", payloads)).isEqualTo(stderr);
        assertThat(payloads).hasSizeGreaterThanOrEqualTo(2).allMatch(l -> l.length() <= 4096);
        assertThat(rig.stderrLines().getFirst()).endsWith(" (fastcgi unix:" + fpm.socket + ", request 1, script "
                + fpm.docroot.resolve("stderr.php") + ")");
        assertThat(rig.trace.records().stream().filter(x -> x.event() instanceof TraceEvent.CgiStderr)).hasSize(payloads.size());
    }

    @Test
    void theWorkersOwnStderrGoesToTheFpmLogNotToTheRequest() throws Exception {
        ExchangeRig.Result r = rig.serve(connect(), params("GET", "phpstderr.php", "", -1), null, false);
        assertThat(rig.sink.bodyText()).isEqualTo("ok");
        assertThat(r.report().stderrBytes()).isZero();
        assertThat(fpm.awaitLog("to-the-worker-stderr")).contains("said into stderr: \"to-the-worker-stderr\"");
    }

    @Test
    void primaryScriptUnknownIsA404HeadWithThatLineOnStderr() throws Exception {
        ExchangeRig.Result r = rig.serve(connect(), params("GET", "missing.php", "", -1), null, false);
        assertThat(r.completeHead().status()).isEqualTo(404);
        assertThat(r.completeHead().reason()).isEqualTo("Not Found");
        assertThat(rig.sink.bodyText()).isEqualTo("File not found.\n");
        assertThat(r.report().stderrTail()).isEqualTo("Primary script unknown");
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE));
    }

    @Test
    void aReplacedPrimaryScriptUnknownKeepsTheConnection() throws Exception {
        FastCgiConnection c = connect();
        ExchangeRig.Result r = rig.serve(c, params("GET", "missing.php", "", -1), null, true, true);
        assertThat(r.completeHead().status()).isEqualTo(404);
        assertThat(rig.sink.status).isEqualTo(-1);
        assertThat(r.report().connectionKept()).isTrue();
        ExchangeRig next = new ExchangeRig();
        assertThat(next.serve(c, params("GET", "hello.php", "", -1), null, true).report().priorRequests()).isEqualTo(1);
        assertThat(next.sink.bodyText()).startsWith("hello from");
        next.close();
    }

    @Test
    void keepConnCarriesSeveralRequestsOnOneConnectionAndWorker() throws Exception {
        FastCgiConnection c = connect();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ExchangeRig each = new ExchangeRig();
            ExchangeReport report = each.serve(c, params("GET", "hello.php", "", -1), null, true).report();
            assertThat(report.priorRequests()).isEqualTo(i);
            assertThat(report.requestId()).isEqualTo(i + 1);
            assertThat(report.connectionKept()).isTrue();
            bodies.add(each.sink.bodyText());
            each.close();
        }
        assertThat(bodies).as("one worker serves a kept connection").containsOnly(bodies.getFirst());
        assertThat(c.requestsStarted()).isEqualTo(3);
    }

    @Test
    void postsWithBodiesReuseAKeptConnection() throws Exception {
        FastCgiConnection c = connect();
        for (int i = 0; i < 5; i++) {
            byte[] body = new byte[1000 + i * 70_000];
            new Random(i).nextBytes(body);
            ExchangeRig each = new ExchangeRig();
            ExchangeReport report = each.serve(c, params("POST", "input.php", "", body.length),
                    new ByteArrayInputStream(body), true).report();
            assertThat(each.sink.bodyText()).isEqualTo(body.length + " "
                    + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body)));
            assertThat(report.connectionKept()).as("request %d", i).isTrue();
            each.close();
        }
    }

    @Test
    void aWorkerKilledMidBodyIsAResetDuringTheBody() throws Exception {
        FastCgiConnection c = connect();
        CompletableFuture<ExchangeRig.Result> f = CompletableFuture.supplyAsync(
                () -> rig.serve(c, params("GET", "pid-then-sleep.php", "", -1), null, true));
        assertThat(rig.sink.awaitFirstWrite()).isTrue();
        long pid = Long.parseLong(rig.sink.bodyText().trim());
        kill(pid);
        ExchangeRig.Result r = f.get(20, TimeUnit.SECONDS);
        assertThat(r.relay()).isInstanceOf(RelayEnd.Completed.class);
        assertThat(rig.sink.ended).as("the truncated response is left for the gateway to abort").isFalse();
        // A reset, not EOF: the dead worker had not read our empty STDIN record (php-fpm reads STDIN only when the
        // script asks for the body), and a socket closed with unread data resets the connection.
        assertThat(r.report().end()).isEqualTo(new RequestEnd.ConnectionLost(Stage.IN_BODY, "ECONNRESET", "Connection reset"));
        assertThat(r.report().connectionKept()).isFalse();
        assertThat(fpm.awaitLog("child " + pid + " exited on signal 9 (SIGKILL)")).isNotEmpty();
    }

    @Test
    void aWorkerKilledBeforeAnyOutputIsAResetBeforeAnyStdout() throws Exception {
        Path pidFile = fpm.docroot.resolve("sleeper.pid");
        Files.deleteIfExists(pidFile);
        FastCgiConnection c = connect();
        CompletableFuture<ExchangeRig.Result> f = CompletableFuture.supplyAsync(
                () -> rig.serve(c, params("GET", "sleep-first.php", "", -1), null, false));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.nanoTime() < deadline) Thread.sleep(20);
        kill(Long.parseLong(Files.readString(pidFile).trim()));
        ExchangeRig.Result r = f.get(20, TimeUnit.SECONDS);
        assertThat(r.head()).isInstanceOf(HeadRead.Ended.class);
        assertThat(r.report().end()).isEqualTo(new RequestEnd.ConnectionLost(Stage.BEFORE_STDOUT, "ECONNRESET", "Connection reset"));
        assertThat(fpm.awaitLog("exited on signal 9 (SIGKILL)")).isNotEmpty();
    }

    @Test
    void theClientLeavingAbortsAndPhpFpmIsClosedAfterTheGrace() throws Exception {
        FastCgiConnection c = connect();
        CompletableFuture<ExchangeRig.Result> f = CompletableFuture.supplyAsync(
                () -> rig.serve(c, params("GET", "slow.php", "", -1), null, true));
        rig.sink.clientLeaves();
        ExchangeRig.Result r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.cutoff()).isEqualTo(Cutoff.CLIENT_GONE);
        // php-fpm does not read the connection while the script runs, so ABORT_REQUEST goes unanswered.
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Abandoned(Stage.BEFORE_STDOUT));
        assertThat(r.report().elapsedNanos()).as("not waiting for the script").isLessThan(TimeUnit.MILLISECONDS.toNanos(2500));
    }

    @Test
    void getValuesIsAnsweredWithMpxsConnsOnly() throws Exception {
        ValuesAnswer a = FastCgiConnection.askValues(fpm.address(), CONNECT, Duration.ofSeconds(2));
        assertThat(a).isInstanceOfSatisfying(ValuesAnswer.Answered.class, v -> {
            assertThat(v.values().reported()).containsExactly(Map.entry("FCGI_MPXS_CONNS", "0"));
            assertThat(v.values().multiplexes()).contains(false);
            assertThat(v.values().maxConns()).isEmpty();
            assertThat(v.values().maxReqs()).isEmpty();
        });
    }

    /**
     * php-fpm keeps a connection that asked GET_VALUES and its worker waits on it for the next record, counted as a
     * request in progress (request_terminate_timeout ends it): why askValues closes its connection at once.
     */
    @Test
    void phpFpmKeepsAGetValuesConnectionAndItsWorker() throws Exception {
        FastCgiConnection c = connect();
        c.write(java.nio.ByteBuffer.wrap(RecordEncoder.encode(new GetValues(List.of("FCGI_MPXS_CONNS")))));
        assertThat(c.read()).isEqualTo(new GetValuesResult(List.of(new Pair("FCGI_MPXS_CONNS", "0"))));
        ExchangeRig.Result r = rig.serve(c, params("GET", "hello.php", "", -1), null, false);
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE));
        assertThat(rig.sink.bodyText()).startsWith("hello from");
    }

    private FastCgiConnection connect() throws FastCgiConnectException {
        FastCgiConnection c = FastCgiConnection.open(fpm.address(), CONNECT);
        connections.add(c);
        return c;
    }

    /** SIGKILL, only to a worker of our own php-fpm. */
    private static void kill(long pid) {
        assertThat(fpm.workers()).as("pid %d is one of our php-fpm's workers", pid).contains(pid);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    }

    private static Map<String, String> params(String method, String script, String query, long contentLength) {
        return params(method, script, query, contentLength, List.of(Map.entry("Host", "localhost")));
    }

    private static Map<String, String> params(String method, String script, String query, long contentLength,
                                              List<Map.Entry<String, String>> headers) {
        Path file = fpm.docroot.resolve(script);
        GatewayRequest r = new GatewayRequest(method, "/" + script + (query.isEmpty() ? "" : "?" + query), query,
                "/" + script, "", file, fpm.docroot, "HTTP/1.1", "localhost", 8080, "127.0.0.1", "127.0.0.1", 40000,
                false, contentLength, contentLength < 0 ? null : "application/octet-stream", headers, false);
        return FastCgiParams.build(r, EnvironmentPolicy.defaults(), Map.of("PATH", "/usr/bin:/bin"), file.toString());
    }
}
