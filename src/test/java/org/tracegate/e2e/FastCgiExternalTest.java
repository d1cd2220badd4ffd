package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tracegate.analysis.Analyzed;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.config.FastCgiMapping;
import org.tracegate.config.FastCgiPool;
import org.tracegate.gateway.fastcgi.PhpFpm;
import org.tracegate.http.TestServer;
import org.tracegate.trace.RequestTrace;
import org.tracegate.trace.TraceEvent;

/**
 * A real PHP application behind a real php-fpm, through Tracegate's external FastCGI gateway (nginx's
 * fastcgi_pass): pages, PATH_INFO, a form POST, sessions, a file upload, a 100 MB upload, a streamed response,
 * connections kept and reused, and each failure with its own status and evidence.
 */
class FastCgiExternalTest {
    static PhpFpm fpm;
    static TestServer ts;
    static final BlockingQueue<RequestTrace> traces = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        // More workers than Tracegate may use at once: a script still sleeping after its request was aborted
        // (php-fpm finishes it) must not starve the next test.
        fpm = PhpFpm.start(Files.createTempDirectory("tracegate-fpm-"), 6);
        fpm.script("hello.php", "<?php echo 'hello from php-fpm ', getmypid(), \"\\n\";");
        fpm.script("info.php", "<?php header('Content-Type: text/plain');"
                + " foreach (['SCRIPT_NAME','PATH_INFO','SCRIPT_FILENAME','REQUEST_METHOD','QUERY_STRING','SERVER_SOFTWARE','GATEWAY_INTERFACE'] as $k)"
                + " echo $k, '=', $_SERVER[$k] ?? '', \"\\n\";");
        PhpApp.writeScripts(fpm::script);
        fpm.script("fatal.php", "<?php error_log(str_repeat('e', 3000) . ' end-of-long-line'); undefined_function_here();");
        fpm.script("hang.php", "<?php sleep(12); echo 'late';");
        fpm.script("flush-then-wait.php", "<?php echo 'first'; flush(); sleep(3); echo 'second';");
        ts = TestServer.start(c -> c.toBuilder().fastcgi(List.of(
                new FastCgiMapping("/php/", fpm.docroot, ".php", fpm.address().toString(), null, pool(), EnvironmentPolicy.defaults()),
                new FastCgiMapping("/nowhere/", fpm.docroot, ".php", "unix:/nonexistent/fpm.sock", null, pool(), EnvironmentPolicy.defaults())))
                .build(), traces::add);
    }

    static FastCgiPool pool() {
        FastCgiPool d = FastCgiPool.defaults();
        return new FastCgiPool(3, d.instanceMaxRequests(), d.idleTimeout(), Duration.ofSeconds(8), Duration.ofSeconds(120),
                d.queueLength(), d.queueTimeout(), d.rapidFailsPerMinute(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (ts != null) ts.close();
        if (fpm != null) fpm.close();
    }

    @Test
    void aPageAndItsMetaVariables() throws Exception {
        HttpResponse<String> r = ts.get("/php/hello.php");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("hello from php-fpm ");
        HttpResponse<String> info = ts.get("/php/info.php/extra/path?x=1");
        assertThat(info.body()).contains("SCRIPT_NAME=/php/info.php\n", "PATH_INFO=/extra/path\n",
                "SCRIPT_FILENAME=" + fpm.docroot.resolve("info.php") + "\n", "QUERY_STRING=x=1\n",
                "GATEWAY_INTERFACE=CGI/1.1\n", "SERVER_SOFTWARE=Tracegate/");
    }

    @Test
    void aPageWholeInHandGoesOutInOneWriteWithContentLengthButFlushedOutputIsNotHeldBack() throws Exception {
        // hello.php's STDOUT and END_REQUEST arrive together: head, body and end leave in one write, framed by length.
        String raw = ts.raw("GET /php/hello.php HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(raw).containsIgnoringCase("\r\nContent-Length: ").doesNotContainIgnoringCase("Transfer-Encoding")
                .contains("hello from php-fpm ");
        // A script that flushes and then works: its first bytes reach the client before it is done.
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(10_000);
            long t0 = System.nanoTime();
            s.getOutputStream().write("GET /php/flush-then-wait.php HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder got = new StringBuilder();
            byte[] b = new byte[4096];
            while (!got.toString().contains("first")) {
                int n = s.getInputStream().read(b);
                if (n < 0) break;
                got.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
            }
            assertThat(got.toString()).contains("first").doesNotContain("second");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
            String rest = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(got + rest).contains("second");
        }
    }

    @Test
    void aFormPostSessionsAndAFileUpload() throws Exception {
        PhpApp.formPostSessionsAndAFileUpload(ts);
    }

    @Test
    void a100MegabyteUploadReachesPhpWhole() throws Exception {
        PhpApp.a100MegabyteUploadReachesPhpWhole(ts);
    }

    @Test
    void aStreamedResponseArrivesWhole() throws Exception {
        PhpApp.aStreamedResponseArrivesWhole(ts);
    }

    @Test
    void connectionsAreKeptAndReused() throws Exception {
        traces.clear();
        for (int i = 0; i < 10; i++) assertThat(ts.get("/php/hello.php").statusCode()).isEqualTo(200);
        long reused = 0;
        for (int i = 0; i < 10; i++) {
            RequestTrace t = traces.poll(10, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            TraceEvent.FastCgiAssignProcess a = t.first(TraceEvent.FastCgiAssignProcess.class);
            if (a != null && !a.isNewProcess()) reused++;
        }
        assertThat(reused).as("requests on a kept connection").isGreaterThanOrEqualTo(8);
    }

    /**
     * Pipelined requests on one connection: the lane that answers the first resumes the connection itself and the
     * second is parsed there (SiteThreads); both are answered, in order.
     */
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("GET /php/info.php?one HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /php/info.php?two HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all.split("HTTP/1.1 200 ", -1)).hasSize(3);
            assertThat(all.indexOf("QUERY_STRING=one")).isPositive().isLessThan(all.indexOf("QUERY_STRING=two"));
        }
    }

    @Test
    void primaryScriptUnknownIs404WithThatText() throws Exception {
        traces.clear();
        HttpResponse<String> r = ts.send(ts.request("/php/missing.php").header("Accept", "application/json"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"statusCode\":\"404.0\"").contains("Primary script unknown");
        Analyzed a = Analyzed.next(traces, "/php/missing.php");
        assertThat(a.diagnosis().cause()).contains("has no script " + fpm.docroot.resolve("missing.php"))
                .contains("Primary script unknown");
    }

    @Test
    void anUnreachableServerIs502_3WithTheErrno() throws Exception {
        traces.clear();
        HttpResponse<String> r = ts.send(ts.request("/nowhere/x.php").header("Accept", "application/json"));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"statusCode\":\"502.3\"").contains("\"errorCode\":\"ENOENT\"")
                .contains("unix:/nonexistent/fpm.sock");
        Analyzed a = Analyzed.next(traces, "/nowhere/x.php");
        assertThat(a.diagnosis().causeKind()).isEqualTo("FastCGI application unreachable (ENOENT)");
        assertThat(a.diagnosis().cause()).isEqualTo("The FastCGI application at unix:/nonexistent/fpm.sock could not "
                + "be reached: the connect failed with ENOENT (no socket at that path).");
    }

    @Test
    void aPhpFatalErrorIsThePrograms500WithItsWholeStderr() throws Exception {
        traces.clear();
        HttpResponse<String> r = ts.get("/php/fatal.php");
        assertThat(r.statusCode()).isEqualTo(500);
        String log = ts.errorLog();
        assertThat(log).contains("end-of-long-line").contains("undefined_function_here");
        // The analyzer names the program's own failure with PHP's line, and shows the 3,000-character line whole.
        Analyzed a = Analyzed.next(traces, "/php/fatal.php");
        assertThat(a.diagnosis().cause()).startsWith("The program fatal.php answered 500 itself (the gateway worked): "
                + "its stderr says \"PHP Fatal error:").contains("undefined_function_here()");
        assertThat(a.screen()).doesNotContain("The server failed").contains(" end-of-long-line; PHP message: PHP Fatal error");
    }

    @Test
    void aHangingScriptIs502_1AfterTheActivityTimeout() throws Exception {
        traces.clear();
        HttpResponse<String> r = ts.send(ts.request("/php/hang.php").header("Accept", "application/json"));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"statusCode\":\"502.1\"").contains("activity timeout of 8 s");
        Analyzed a = Analyzed.next(traces, "/php/hang.php");
        assertThat(a.diagnosis().causeKind()).isEqualTo("FastCGI timeout");
        assertThat(a.diagnosis().headline()).contains("sent no complete header block in time after 1"); // 8 s, then the 2 s abort grace
    }

    @Test
    void aClientThatLeavesAbortsTheRequest() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.getOutputStream().write("GET /php/hang.php HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Thread.sleep(500);
        }
        // Noticed within 250 ms; php-fpm does not read while a script sleeps, so the abort grace (2 s) closes it.
        for (int i = 0; i < 100 && !ts.errorLog().contains("fastcgi: response aborted: the client went away"); i++) {
            Thread.sleep(100);
        }
        assertThat(ts.errorLog()).contains("fastcgi: response aborted: the client went away");
        assertThat(ts.get("/php/hello.php").statusCode()).as("the pool is still usable").isEqualTo(200);
    }
}
