package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tracegate.gateway.fastcgi.Wire.concat;
import static org.tracegate.gateway.fastcgi.Wire.header;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.gateway.cgi.Cutoff;
import org.tracegate.gateway.cgi.HeadRead;
import org.tracegate.gateway.cgi.RelayEnd;
import org.tracegate.gateway.fastcgi.FakeFastCgiServer.Peer;
import org.tracegate.gateway.fastcgi.FastCgiRecord.AbortRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.BeginRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;
import org.tracegate.trace.TraceEvent;

/** The exchange against a hand-written server: what we send, and every way a server's answer can go. */
class FastCgiExchangeTest {
    private static final String HEAD = "Content-Type: text/plain\r\n\r\n";

    @TempDir
    Path dir;
    final ExchangeRig rig = newRig();

    /** The rig each test runs on: the lane path's here, the push path's in {@link PushExchangeTest}. */
    ExchangeRig newRig() { return new ExchangeRig(); }
    FakeFastCgiServer server;

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
        if (server != null) server.close();
    }

    private ExchangeRig.Result serve(FakeFastCgiServer.Script script) throws Exception {
        return serve(script, null, false);
    }

    private ExchangeRig.Result serve(FakeFastCgiServer.Script script, byte[] body, boolean keepConn) throws Exception {
        server = FakeFastCgiServer.unix(dir, script);
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        return rig.serve(c, ExchangeRig.params("/srv/x.php"), body == null ? null : new ByteArrayInputStream(body), keepConn);
    }

    @Test
    void sendsBeginRequestParamsAndStdinAsAlignedRecords() throws Exception {
        byte[] body = new byte[150_000];
        new Random(1).nextBytes(body);
        List<FastCgiRecord> received = new ArrayList<>();
        ExchangeRig.Result r = serve(p -> {
            received.addAll(p.readRequest());
            p.stdout(1, HEAD + "ok");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        }, body, true);

        assertThat(received.get(0)).isEqualTo(BeginRequest.responder(1, true));
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        ByteArrayOutputStream stdin = new ByteArrayOutputStream();
        List<Integer> stdinRecords = new ArrayList<>();
        for (FastCgiRecord rec : received.subList(1, received.size())) {
            Stream s = (Stream) rec;
            assertThat(s.requestId()).isEqualTo(1);
            if (s.type() == RecordType.PARAMS) params.writeBytes(s.content());
            if (s.type() == RecordType.STDIN) {
                stdin.writeBytes(s.content());
                stdinRecords.add(s.content().length);
            }
        }
        assertThat(NameValuePairs.decode(params.toByteArray(), 0, params.size(), 0, "PARAMS")).containsExactly(
                new Pair("GATEWAY_INTERFACE", "CGI/1.1"), new Pair("REQUEST_METHOD", "GET"),
                new Pair("SCRIPT_NAME", "/x.php"), new Pair("SCRIPT_FILENAME", "/srv/x.php"));
        assertThat(received.stream().filter(x -> x instanceof Stream s && s.type() == RecordType.PARAMS && s.isEnd())).hasSize(1);
        assertThat(stdin.toByteArray()).isEqualTo(body);
        assertThat(stdinRecords.getLast()).isZero();
        assertThat(stdinRecords).allMatch(n -> n <= RecordEncoder.MAX_WRITE_CONTENT);

        assertThat(r.completeHead().status()).isEqualTo(200);
        assertThat(rig.sink.bodyText()).isEqualTo("ok");
        assertThat(rig.sink.ended).isTrue();
        assertThat(r.relay()).isInstanceOf(RelayEnd.Completed.class);
        ExchangeReport report = r.report();
        assertThat(report.end()).isEqualTo(new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE));
        assertThat(report.bytesFromClient()).isEqualTo(body.length);
        assertThat(report.bytesToServer()).isEqualTo(body.length);
        assertThat(report.stdoutBytes()).isEqualTo(HEAD.length() + 2);
        assertThat(report.requestId()).isEqualTo(1);
        assertThat(report.priorRequests()).isZero();
        assertThat(report.connectionKept()).isTrue();
    }

    @Test
    void aRequestWithoutBodyIsOneWrite() throws Exception {
        List<byte[]> firstRead = new ArrayList<>();
        serve(p -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(65536);
            Thread.sleep(200);                         // let everything arrive
            p.channel.read(b);
            firstRead.add(java.util.Arrays.copyOf(b.array(), b.position()));
            p.stdout(1, HEAD);
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        List<FastCgiRecord> records = Wire.decodeAll(firstRead.getFirst());
        assertThat(records.getLast()).isEqualTo(new Stream(RecordType.STDIN, 1, new byte[0]));
        assertThat(firstRead.getFirst().length % 8).isZero();
    }

    @Test
    void theHeadMaySpanRecordsAndStderrComesBetween() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, "Content-Ty");
            p.stdout(1, "pe: text/plain\r\nX-A: 1\r\n\r\nhel");
            p.stderr(1, "PHP Warning: careful\n");
            p.send(new GetValuesResult(List.of(new Pair("FCGI_MPXS_CONNS", "0")))); // a late answer is skipped
            p.stdout(1, "lo");
            p.send(new Stream(RecordType.STDOUT, 1, new byte[0]), new Stream(RecordType.STDERR, 1, new byte[0]));
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        assertThat(r.completeHead().headers()).extracting(h -> h.name() + ": " + h.value())
                .containsExactly("Content-Type: text/plain", "X-A: 1");
        assertThat(rig.sink.bodyText()).isEqualTo("hello");
        assertThat(r.report().stderrTail()).isEqualTo("PHP Warning: careful\n");
        assertThat(r.report().stderrBytes()).isEqualTo(21);
        assertThat(rig.stderrLines()).containsExactly("fastcgi: stderr: PHP Warning: careful (fastcgi "
                + server.address() + ", request 1, script /srv/x.php)");
        assertThat(rig.trace.first(TraceEvent.CgiStderr.class).text()).isEqualTo("PHP Warning: careful");
        assertThat(r.report().end()).isInstanceOf(RequestEnd.Ended.class);
    }

    @Test
    void theAppStatusIsReported() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, HEAD + "done");
            p.end(1, 3, ProtocolStatus.REQUEST_COMPLETE);
        });
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Ended(3, ProtocolStatus.REQUEST_COMPLETE));
        assertThat(rig.sink.ended).isTrue();
    }

    @Test
    void eachRefusingProtocolStatusIsReported() throws Exception {
        for (ProtocolStatus status : List.of(ProtocolStatus.CANT_MPX_CONN, ProtocolStatus.OVERLOADED, ProtocolStatus.UNKNOWN_ROLE)) {
            try (ExchangeRig rig = newRig();
                 FakeFastCgiServer s = FakeFastCgiServer.unix(dir, p -> {
                     p.readRequest();
                     p.end(1, 0, status);
                 })) {
                FastCgiConnection c = FastCgiConnection.open(s.address(), java.time.Duration.ofSeconds(2));
                ExchangeRig.Result r = rig.serve(c, ExchangeRig.params("/srv/x.php"), null, true);
                assertThat(r.head()).isInstanceOf(HeadRead.Ended.class);
                assertThat(r.report().end()).isEqualTo(new RequestEnd.Ended(0, status));
                assertThat(r.report().connectionKept()).as("kept after %s", status).isFalse();
                assertThat(c.reusable()).isFalse();
            }
        }
    }

    @Test
    void eofBeforeAnyStdout() throws Exception {
        ExchangeRig.Result r = serve(Peer::readRequest);
        assertThat(r.head()).isInstanceOf(HeadRead.Ended.class);
        assertThat(r.report().end()).isEqualTo(new RequestEnd.ConnectionLost(Stage.BEFORE_STDOUT, "EOF",
                "the server closed the connection after 0 bytes, between records"));
    }

    @Test
    void eofDuringTheHead() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, "Content-Type: te");
        });
        assertThat(r.head()).isInstanceOf(HeadRead.Ended.class);
        assertThat(new String(r.head().headerBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("Content-Type: te");
        assertThat(r.report().end()).isInstanceOfSatisfying(RequestEnd.ConnectionLost.class, l -> {
            assertThat(l.stage()).isEqualTo(Stage.IN_HEAD);
            assertThat(l.errno()).isEqualTo("EOF");
        });
    }

    @Test
    void eofDuringTheBodyLeavesTheResponseOpen() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, HEAD + "partial");
        });
        assertThat(r.relay()).isInstanceOf(RelayEnd.Completed.class);
        assertThat(rig.sink.bodyText()).isEqualTo("partial");
        assertThat(rig.sink.ended).as("a truncated body must not be ended cleanly").isFalse();
        assertThat(r.report().end()).isInstanceOfSatisfying(RequestEnd.ConnectionLost.class,
                l -> assertThat(l.stage()).isEqualTo(Stage.IN_BODY));
    }

    @Test
    void eofAfterTheEndOfStdoutButBeforeEndRequest() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, HEAD + "all");
            p.send(new Stream(RecordType.STDOUT, 1, new byte[0]));
        });
        assertThat(rig.sink.ended).isFalse();
        assertThat(r.report().end()).isInstanceOfSatisfying(RequestEnd.ConnectionLost.class,
                l -> assertThat(l.stage()).isEqualTo(Stage.AFTER_STDOUT));
    }

    @Test
    void eofInsideARecordSaysWhere() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, HEAD);
            p.send(concat(header(1, 6, 1, 100, 4), new byte[10]));
        });
        assertThat(r.report().end()).isEqualTo(new RequestEnd.ConnectionLost(Stage.IN_BODY, "EOF",
                "the server closed the connection after " + (8 + 32 + 8 + 10) + " bytes, inside a record (STDOUT record, 10 of 100 content bytes)"));
    }

    @Test
    void aResetIsEconnreset() throws Exception {
        server = FakeFastCgiServer.tcp(p -> {
            p.readRequest();
            p.reset();
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        ExchangeRig.Result r = rig.serve(c, ExchangeRig.params("/srv/x.php"), null, false);
        assertThat(r.report().end()).isInstanceOfSatisfying(RequestEnd.ConnectionLost.class, l -> {
            assertThat(l.stage()).isEqualTo(Stage.BEFORE_STDOUT);
            assertThat(l.errno()).isEqualTo("ECONNRESET");
        });
    }

    // --- protocol violations: each ends the request at once and closes the connection -----------------------------

    @Test
    void wrongVersionIsAViolationNamingTheBytes() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.send(header(0, 6, 1, 0, 0));
            Thread.sleep(200);
        });
        assertViolation(r, Stage.BEFORE_STDOUT, 0, "unsupported FastCGI version 0 (expected 1)",
                "\"\\x00\\x06\\x00\\x01\\x00\\x00\\x00\\x00\"");
    }

    @Test
    void anHttpServerIsNamed() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.send("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);
        });
        assertViolation(r, Stage.BEFORE_STDOUT, 0, "the server answered in HTTP, not FastCGI", "\"HTTP/1.1\"");
    }

    @Test
    void unknownTypeIsAViolation() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, "Content-");
            p.send(header(1, 42, 1, 0, 0));
            Thread.sleep(200);
        });
        assertViolation(r, Stage.IN_HEAD, 16, "unknown record type 42", null);
    }

    @Test
    void aRecordForAnotherRequestIsAViolation() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(7, HEAD);
            Thread.sleep(200);
        });
        assertViolation(r, Stage.BEFORE_STDOUT, 0, "STDOUT record for request 7, but this connection's request is 1",
                "\"\\x01\\x06\\x00\\x07\\x00\\x1c\\x04\\x00\"");
    }

    @Test
    void endRequestWithAShortBodyIsAViolation() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, HEAD + "body");
            p.send(concat(header(1, 3, 1, 5, 3), new byte[8]));
            Thread.sleep(200);
        });
        assertViolation(r, Stage.IN_BODY, 40, "END_REQUEST with a 5-byte body (expected 8)", null);
        assertThat(rig.sink.ended).isFalse();
    }

    @Test
    void aRecordOnlyAWebServerSendsIsAViolation() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.send(BeginRequest.responder(1, false));
            Thread.sleep(200);
        });
        assertViolation(r, Stage.BEFORE_STDOUT, 0, "a server does not send BEGIN_REQUEST", null);
    }

    @Test
    void stdoutAfterItsEndIsAViolation() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, HEAD + "a");
            p.send(new Stream(RecordType.STDOUT, 1, new byte[0]));
            p.stdout(1, "b");
            Thread.sleep(200);
        });
        assertViolation(r, Stage.AFTER_STDOUT, 48, "STDOUT data after the empty record that ended STDOUT", null);
    }

    private static void assertViolation(ExchangeRig.Result r, Stage stage, long offset, String reason, String quoted) {
        assertThat(r.report().end()).isInstanceOfSatisfying(RequestEnd.ProtocolViolation.class, v -> {
            assertThat(v.stage()).isEqualTo(stage);
            assertThat(v.error().reason()).isEqualTo(reason);
            assertThat(v.error().offset()).isEqualTo(offset);
            if (quoted != null) assertThat(v.error().getMessage()).endsWith(": " + quoted);
        });
        assertThat(r.report().connectionKept()).isFalse();
    }

    // --- aborts -------------------------------------------------------------------------------------------------

    @Test
    void theClientLeavingSendsAbortRequestAndTheServersEndRequestEndsIt() throws Exception {
        List<FastCgiRecord> afterRequest = new ArrayList<>();
        server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            FastCgiRecord abort = p.read();
            afterRequest.add(abort);
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        CompletableFuture<ExchangeRig.Result> f = CompletableFuture.supplyAsync(
                () -> rig.serve(c, ExchangeRig.params("/srv/x.php"), null, true));
        rig.sink.clientLeaves();
        ExchangeRig.Result r = f.get(10, TimeUnit.SECONDS);
        assertThat(afterRequest).containsExactly(new AbortRequest(1));
        assertThat(r.cutoff()).isEqualTo(Cutoff.CLIENT_GONE);
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE));
        assertThat(r.report().connectionKept()).as("an aborted request's connection is not reused").isFalse();
    }

    @Test
    void aServerThatIgnoresTheAbortIsClosedAfterTheGrace() throws Exception {
        server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            p.read();                                  // the ABORT_REQUEST, ignored; then EOF when we close
            p.read();
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        CompletableFuture<ExchangeRig.Result> f = CompletableFuture.supplyAsync(
                () -> rig.serve(c, ExchangeRig.params("/srv/x.php"), null, true));
        rig.sink.clientLeaves();
        long t0 = System.nanoTime();
        ExchangeRig.Result r = f.get(10, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(250);
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Abandoned(Stage.BEFORE_STDOUT));
        assertThat(c.reusable()).isFalse();
    }

    @Test
    void theHeaderTimeoutAbortsASilentServer() throws Exception {
        rig.headerTimeout = java.time.Duration.ofMillis(300);
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, "Content-Type: text/pl");
            p.read();
            p.read();
        });
        assertThat(r.cutoff()).isEqualTo(Cutoff.HEADER_TIMEOUT);
        assertThat(r.head()).isInstanceOf(HeadRead.Ended.class);
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Abandoned(Stage.IN_HEAD));
    }

    @Test
    void finishAbortsARequestTheGatewayStoppedReading() throws Exception {
        List<FastCgiRecord> seen = new ArrayList<>();
        server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            p.stdout(1, "Bad Header Line\r\n\r\n");
            seen.add(p.read());
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        ExchangeRig.Result r = rig.serve(c, ExchangeRig.params("/srv/x.php"), null, true);
        assertThat(r.head()).isInstanceOf(HeadRead.Invalid.class);
        assertThat(seen).containsExactly(new AbortRequest(1));
        assertThat(r.report().end()).isInstanceOf(RequestEnd.Ended.class);
        assertThat(r.report().connectionKept()).isFalse();
    }

    // --- STDIN and connection reuse -------------------------------------------------------------------------------

    @Test
    void aBodyTheServerDidNotWaitForIsDrainedAndTheConnectionNotKept() throws Exception {
        byte[] body = new byte[4 << 20];
        ExchangeRig.Result r = serve(p -> {
            p.readParams();
            p.stdout(1, HEAD + "early");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
            Thread.sleep(300);                         // then close without reading STDIN
        }, body, true);
        assertThat(rig.sink.bodyText()).isEqualTo("early");
        assertThat(r.report().end()).isEqualTo(new RequestEnd.Ended(0, ProtocolStatus.REQUEST_COMPLETE));
        assertThat(r.report().bytesFromClient()).as("the client's body is still read to its end").isEqualTo(body.length);
        assertThat(r.report().bytesToServer()).isLessThan(body.length);
        assertThat(r.report().connectionKept()).isFalse();
    }

    /** Twenty requests with bodies: the server answers the moment STDIN ends, racing the pump's bookkeeping. */
    @Test
    void keepConnCarriesSeveralRequestsOnOneConnection() throws Exception {
        int n = 20;
        List<Integer> ids = new ArrayList<>();
        server = FakeFastCgiServer.unix(dir, p -> {
            for (int i = 0; i < n; i++) {
                List<FastCgiRecord> req = p.readRequest();
                BeginRequest begin = (BeginRequest) req.getFirst();
                assertThat(begin.keepConn()).isTrue();
                ids.add(begin.requestId());
                p.stdout(begin.requestId(), HEAD + "n" + i);
                p.end(begin.requestId(), 0, ProtocolStatus.REQUEST_COMPLETE);
            }
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        List<ExchangeReport> reports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ExchangeRig rig = new ExchangeRig();
            reports.add(rig.serve(c, ExchangeRig.params("/srv/x.php"), new ByteArrayInputStream(new byte[10 + i]), true).report());
            assertThat(rig.sink.bodyText()).isEqualTo("n" + i);
            rig.close();
        }
        assertThat(ids).isEqualTo(java.util.stream.IntStream.rangeClosed(1, n).boxed().toList());
        assertThat(reports).extracting(ExchangeReport::priorRequests).isEqualTo(java.util.stream.IntStream.range(0, n).boxed().toList());
        assertThat(reports).allMatch(ExchangeReport::connectionKept);
        assertThat(reports).allMatch(r -> r.bytesToServer() == r.bytesFromClient());
        assertThat(server.connections()).isEqualTo(1);
        c.close();
    }

    @Test
    void withoutKeepConnTheConnectionIsClosed() throws Exception {
        ExchangeRig.Result r = serve(p -> {
            p.readRequest();
            p.stdout(1, HEAD);
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        assertThat(r.report().connectionKept()).isFalse();
    }

    @Test
    void aDiscardedBodyKeepsTheConnection() throws Exception {
        server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            p.stderr(1, "Primary script unknown");
            p.stdout(1, "Status: 404 Not Found\r\nContent-type: text/html\r\n\r\nFile not found.\n");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
            p.read();
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        ExchangeRig.Result r = rig.serve(c, ExchangeRig.params("/srv/missing.php"), null, true, true);
        assertThat(r.completeHead().status()).isEqualTo(404);
        assertThat(r.report().stderrTail()).isEqualTo("Primary script unknown");
        assertThat(rig.sink.status).as("nothing relayed").isEqualTo(-1);
        assertThat(r.report().connectionKept()).isTrue();
        c.close();
    }

    @Test
    void paramsAreOctetStrings() throws Exception {
        List<Pair> got = new ArrayList<>();
        server = FakeFastCgiServer.unix(dir, p -> {
            ByteArrayOutputStream params = new ByteArrayOutputStream();
            for (FastCgiRecord rec : p.readRequest()) {
                if (rec instanceof Stream s && s.type() == RecordType.PARAMS) params.writeBytes(s.content());
            }
            got.addAll(NameValuePairs.decode(params.toByteArray(), 0, params.size(), 0, "PARAMS"));
            p.stdout(1, HEAD);
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        rig.serve(c, Map.of("HTTP_X_NAME", "caf\u00c3\u00a9\u00ff"), null, false);
        assertThat(got).containsExactly(new Pair("HTTP_X_NAME", "caf\u00c3\u00a9\u00ff"));
    }
}
