package org.tracegate.gateway.cgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.gateway.GatewayFailure;
import org.tracegate.process.EndedBy;
import org.tracegate.process.ProcessBuilderLauncher;
import org.tracegate.trace.TraceEvent;

/** CgiGateway without Jetty: real programs, an in-memory sink, the outcome, report, trace and error log. */
class CgiGatewayTest {
    private static final String CT = "printf 'Content-Type: text/plain\\r\\n\\r\\n'";

    @TempDir
    Path dir;
    private GatewayRig rig;

    @BeforeEach
    void setUp() { rig = new GatewayRig(dir); }

    @AfterEach
    void tearDown() { rig.close(); }

    @Test
    void goodResponseWithBody() throws Exception {
        Path s = rig.script("hello.sh", "printf 'Content-Type: text/plain\\r\\nX-A: 1\\r\\nConnection: close\\r\\n\\r\\nhello\\n'");
        CgiOutcome outcome = rig.serve(s);

        assertThat(outcome).isInstanceOf(CgiOutcome.Completed.class);
        assertThat(((CgiOutcome.Completed) outcome).status()).isEqualTo(200);
        assertThat(rig.sink.status).isEqualTo(200);
        assertThat(rig.sink.headers).extracting(ResponseHead.Header::name).containsExactly("Content-Type", "X-A");
        assertThat(rig.sink.bodyText()).isEqualTo("hello\n");
        assertThat(rig.sink.ended).isTrue();
        ProgramReport r = outcome.report();
        assertThat(r.pid()).isPositive();
        assertThat(r.commandLine()).isEqualTo("\"" + s + "\"");
        assertThat(r.exit().exitCode()).isZero();
        assertThat(r.endedBy()).isEqualTo(EndedBy.SELF);
        assertThat(new String(r.headerBytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("Content-Type: text/plain\r\nX-A: 1\r\nConnection: close\r\n\r\n");
        assertThat(r.bodyBytes()).isEqualTo(6);
        assertThat(r.elapsedNanos()).isPositive();
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_HEADERS_RECEIVED", "GENERAL_RESPONSE_HEADERS",
                "GENERAL_RESPONSE_ENTITY_BUFFER", "CGI_EXIT");
        assertThat(rig.event(TraceEvent.CgiLaunch.class).processId()).isEqualTo(r.pid());
        assertThat(rig.event(TraceEvent.GeneralResponseHeaders.class).headers())
                .isEqualTo("HTTP/1.1 200\r\nContent-Type: text/plain\r\nX-A: 1\r\n");
        TraceEvent.GeneralResponseEntityBuffer buffer = rig.event(TraceEvent.GeneralResponseEntityBuffer.class);
        assertThat(buffer.buffer()).isEqualTo("hello\n");
        assertThat(buffer.totalBytes()).isEqualTo(6);
        TraceEvent.CgiExit exit = rig.event(TraceEvent.CgiExit.class);
        assertThat(exit.exitCode()).isEqualTo("0");
        assertThat(exit.endedBy()).isEqualTo("SELF");
    }

    @Test
    void bodyLargerThanOneRelayBuffer() throws Exception {
        int size = 3 * RelayBuffers.SIZE + 12345;
        Path s = rig.script("big.sh", "printf 'Content-Type: application/octet-stream\\r\\nContent-Length: " + size
                + "\\r\\n\\r\\n'; head -c " + size + " /dev/zero | tr '\\0' 'x'");
        CgiOutcome outcome = rig.serve(s);

        assertThat(outcome).isInstanceOf(CgiOutcome.Completed.class);
        byte[] body = rig.sink.body.toByteArray();
        assertThat(body).hasSize(size);
        byte[] xs = new byte[size];
        Arrays.fill(xs, (byte) 'x');
        assertThat(Arrays.equals(body, xs)).as("every byte relayed in order").isTrue();
        assertThat(outcome.report().bodyBytes()).isEqualTo(size);
        TraceEvent.GeneralResponseEntityBuffer buffer = rig.event(TraceEvent.GeneralResponseEntityBuffer.class);
        assertThat(buffer.buffer()).hasSize(CgiGateway.ENTITY_BUFFER_BYTES).matches("x+");
        assertThat(buffer.totalBytes()).isEqualTo(size);
    }

    @Test
    void headRequestAndNoContentSendNoBodyButCountIt() throws Exception {
        rig.method = "HEAD";
        Path s = rig.script("head.sh", CT + "; printf 'not for HEAD'");
        CgiOutcome outcome = rig.serve(s);

        assertThat(outcome).isInstanceOf(CgiOutcome.Completed.class);
        assertThat(rig.sink.body.size()).isZero();
        assertThat(rig.sink.ended).isTrue();
        assertThat(outcome.report().bodyBytes()).isEqualTo(12);

        try (GatewayRig get = new GatewayRig(dir)) {
            Path noContent = get.script("204.sh", "printf 'Status: 204\\r\\n\\r\\nstray'");
            CgiOutcome o = get.serve(noContent);
            assertThat(o).isInstanceOf(CgiOutcome.Completed.class);
            assertThat(get.sink.status).isEqualTo(204);
            assertThat(get.sink.body.size()).isZero();
            assertThat(o.report().bodyBytes()).isEqualTo(5);
        }
    }

    @Test
    void prematureExitWithAnExitStatus() throws Exception {
        Path s = rig.script("partial.sh", "printf 'Content-Type: text/pl'; exit 3");
        CgiOutcome outcome = rig.serve(s);

        GatewayFailure.PrematureExit f = failure(outcome, GatewayFailure.PrematureExit.class);
        assertThat(f.status()).isEqualTo(502);
        assertThat(f.subStatus()).isEqualTo(2);
        assertThat(f.errorCode()).isEqualTo("3");
        assertThat(f.cause()).isEqualTo("The CGI program ended (exit status 3) before it sent a complete set of HTTP headers.");
        assertThat(new String(f.headerBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("Content-Type: text/pl");
        assertThat(outcome.report().exit().exitCode()).isEqualTo(3);
        assertThat(outcome.report().endedBy()).isEqualTo(EndedBy.SELF);
        assertThat(rig.sink.began).isFalse();
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_EXIT", "CGI_PREMATURE_TERMINATION");
        TraceEvent.CgiPrematureTermination t = rig.event(TraceEvent.CgiPrematureTermination.class);
        assertThat(t.headers()).isEqualTo("Content-Type: text/pl");
        assertThat(t.exitCode()).isEqualTo("3");
        assertThat(t.signal()).isEmpty();
        assertThat(rig.errorLogLines()).containsExactly(logLine("cgi: premature termination: exit status 3 before a "
                + "complete header block; headers \"Content-Type: text/pl\"" + where(outcome, s)));
    }

    @Test
    void prematureExitByASignal() throws Exception {
        Path s = rig.script("killed.sh", "kill -TERM $$");
        CgiOutcome outcome = rig.serve(s);

        GatewayFailure.PrematureExit f = failure(outcome, GatewayFailure.PrematureExit.class);
        assertThat(f.errorCode()).isEqualTo("SIGTERM");
        assertThat(f.cause()).isEqualTo("The CGI program ended (signal SIGTERM) before it sent a complete set of HTTP "
                + "headers; it sent no header at all.");
        assertThat(outcome.report().exit().signalName()).isEqualTo("SIGTERM");
        assertThat(outcome.report().endedBy()).isEqualTo(EndedBy.SELF);
        assertThat(rig.event(TraceEvent.CgiExit.class).signal()).isEqualTo("SIGTERM");
        assertThat(rig.event(TraceEvent.CgiPrematureTermination.class).signal()).isEqualTo("SIGTERM");
        assertThat(rig.errorLogLines()).containsExactly(
                logLine("cgi: program killed by signal SIGTERM" + where(outcome, s)),
                logLine("cgi: premature termination: signal SIGTERM before a complete header block; headers \"\""
                        + where(outcome, s)));
    }

    @Test
    void invalidHeaderBlockNamesTheLineAndQuotesIt() throws Exception {
        Path s = rig.script("bad.sh", "printf 'Content-Type: text/plain\\r\\nX-A: a\\001b\\r\\n\\r\\nbody'; sleep 30");
        CgiOutcome outcome = rig.serve(s);

        GatewayFailure.InvalidHeaders f = failure(outcome, GatewayFailure.InvalidHeaders.class);
        assertThat(f.status()).isEqualTo(502);
        assertThat(f.subStatus()).isEqualTo(2);
        assertThat(f.lineNumber()).isEqualTo(2);
        assertThat(f.reason()).isEqualTo("control character in value");
        assertThat(f.quotedLine()).isEqualTo("\"X-A: a\\x01b\"");
        assertThat(f.cause()).isEqualTo("The CGI program sent an invalid header block: control character in value "
                + "at line 2: \"X-A: a\\x01b\"");
        assertThat(outcome.report().endedBy()).isEqualTo(EndedBy.GATEWAY_REJECTED_OUTPUT);
        assertThat(outcome.report().exit().signalName()).isEqualTo("SIGTERM");
        assertThat(rig.sink.began).isFalse();
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_INVALID_HEADERS", "CGI_EXIT");
        TraceEvent.CgiInvalidHeaders t = rig.event(TraceEvent.CgiInvalidHeaders.class);
        assertThat(t.lineNumber()).isEqualTo(2);
        assertThat(t.reason()).isEqualTo("control character in value");
        assertThat(rig.event(TraceEvent.CgiExit.class).endedBy()).isEqualTo("GATEWAY_REJECTED_OUTPUT");
        assertThat(rig.errorLogLines()).containsExactly(logLine("cgi: invalid header block: line 2: control character "
                + "in value: \"X-A: a\\x01b\"" + where(outcome, s)));
    }

    @Test
    void statusReasonWithAControlCharacterIsAnInvalidHeaderBlock() throws Exception {
        for (String ctl : List.of("\\001", "\\033", "\\177")) {
            try (GatewayRig one = new GatewayRig(dir)) {
                Path s = one.script("status.sh", "printf 'Status: 200 OK" + ctl + "\\r\\nContent-Type: text/plain\\r\\n\\r\\nx'");
                GatewayFailure.InvalidHeaders f = failure(one.serve(s), GatewayFailure.InvalidHeaders.class);
                String hex = String.format("\\x%02x", Integer.parseInt(ctl.substring(1), 8));
                assertThat(f.lineNumber()).isEqualTo(1);
                assertThat(f.quotedLine()).isEqualTo("\"Status: 200 OK" + hex + "\"");
                assertThat(f.status() + "." + f.subStatus()).isEqualTo("502.2");
                assertThat(one.sink.began).isFalse();
            }
        }
        Path tab = rig.script("tab.sh", "printf 'Status: 299 Two\\tWords\\r\\nContent-Type: text/plain\\r\\n\\r\\nx'");
        assertThat(rig.serve(tab)).isInstanceOf(CgiOutcome.Completed.class);
        assertThat(rig.sink.status).isEqualTo(299);
        assertThat(rig.sink.reason).isEqualTo("Two\tWords");
    }

    @Test
    void headerTimeoutStopsTheProgramAndQuotesWhatArrived() throws Exception {
        Path s = rig.script("slow.sh", "printf 'Content-Type: te'; sleep 30");
        long start = System.nanoTime();
        CgiOutcome outcome = rig.serve(s);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        GatewayFailure.HeaderTimeout f = failure(outcome, GatewayFailure.HeaderTimeout.class);
        assertThat(f.status()).isEqualTo(502);
        assertThat(f.subStatus()).isEqualTo(1);
        assertThat(f.errorCode()).isEqualTo("TIMEOUT");
        assertThat(f.cause()).isEqualTo("The CGI program did not send a complete set of HTTP headers within 0.400 s; "
                + "it was stopped.");
        assertThat(new String(f.headerBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("Content-Type: te");
        assertThat(outcome.report().endedBy()).isEqualTo(EndedBy.HEADER_TIMEOUT);
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_TIMEOUT", "CGI_EXIT");
        assertThat(rig.event(TraceEvent.CgiTimeout.class).headers()).isEqualTo("Content-Type: te");
        assertThat(rig.event(TraceEvent.CgiExit.class).endedBy()).isEqualTo("HEADER_TIMEOUT");
        assertThat(rig.errorLogLines()).containsExactly(logLine("cgi: no complete header block within 400 ms; stopped "
                + "(pid " + outcome.report().pid() + ", script " + s + ", headers \"Content-Type: te\")"));
    }

    @Test
    void idleTimeoutAfterTheBodyStartedAbortsTheResponse() throws Exception {
        Path s = rig.script("stall.sh", CT + "; printf 'start'; sleep 30");
        CgiOutcome outcome = rig.serve(s);

        CgiOutcome.Aborted a = aborted(outcome);
        assertThat(a.status()).isEqualTo(200);
        String reason = "the program sent nothing for 400 ms after the body started (idle timeout)";
        assertThat(a.reason()).isEqualTo(reason);
        assertThat(rig.sink.bodyText()).isEqualTo("start");
        assertThat(rig.sink.ended).as("an aborted response is not ended cleanly").isFalse();
        assertThat(a.report().endedBy()).isEqualTo(EndedBy.IDLE_TIMEOUT);
        assertThat(a.report().bodyBytes()).isEqualTo(5);
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_HEADERS_RECEIVED", "GENERAL_RESPONSE_HEADERS",
                "GENERAL_RESPONSE_ENTITY_BUFFER", "CGI_EXIT", "CGI_RESPONSE_ABORTED");
        TraceEvent.CgiAborted t = rig.event(TraceEvent.CgiAborted.class);
        assertThat(t.reason()).isEqualTo(reason);
        assertThat(t.endedBy()).isEqualTo("IDLE_TIMEOUT");
        assertThat(rig.errorLogLines()).containsExactly(logLine("cgi: response aborted: " + reason + " (pid "
                + a.report().pid() + ", script " + s + ", signal SIGTERM)"));
    }

    @Test
    void declaredContentLengthLongerThanTheBody() throws Exception {
        Path s = Path.of("src/test/cgi-bin/short-content-length.sh").toAbsolutePath();
        CgiOutcome.Aborted a = aborted(rig.serve(s));

        assertThat(a.reason()).isEqualTo("the program declared Content-Length 100 but sent 5 bytes");
        assertThat(rig.sink.bodyText()).isEqualTo("short");
        assertThat(rig.sink.ended).isFalse();
        assertThat(a.report().endedBy()).isEqualTo(EndedBy.SELF);
        assertThat(a.report().bodyBytes()).isEqualTo(5);
        assertThat(rig.event(TraceEvent.CgiAborted.class).endedBy()).isEqualTo("SELF");
    }

    @Test
    void declaredContentLengthShorterThanTheBody() throws Exception {
        Path s = rig.script("long.sh", "printf 'Content-Type: text/plain\\r\\nContent-Length: 3\\r\\n\\r\\ntoo long'");
        CgiOutcome.Aborted a = aborted(rig.serve(s));

        assertThat(a.reason()).isEqualTo("the program sent more than its declared Content-Length of 3 bytes");
        assertThat(rig.sink.body.size()).as("the excess is not relayed").isLessThanOrEqualTo(3);
        assertThat(rig.sink.ended).isFalse();
        assertThat(a.report().bodyBytes()).isLessThanOrEqualTo(3);
    }

    @Test
    void clientGoneMidBodyKillsTheProcessGroup() throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        Path s = rig.script("chatty.sh", "sleep 60 & echo $! > " + pidFile + "\n" + CT
                + "\nwhile :; do printf 'chunk\\n'; sleep 0.05; done");
        rig.sink.failWritesAfter(1);
        CgiOutcome.Aborted a = aborted(rig.serve(s));

        assertThat(a.reason()).isEqualTo("the client went away: Broken pipe");
        assertThat(a.report().endedBy()).isEqualTo(EndedBy.CLIENT_DISCONNECT);
        assertThat(a.report().exit().signalName()).isEqualTo("SIGTERM");
        assertThat(rig.sink.bodyText()).startsWith("chunk\n");
        assertThat(rig.event(TraceEvent.CgiExit.class).endedBy()).isEqualTo("CLIENT_DISCONNECT");
        long grandchild = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(gone(grandchild)).as("the grandchild in the program's group was killed too").isTrue();
    }

    @Test
    void clientGoneWhileTheProgramIsSilent() throws Exception {
        Path s = rig.script("silent.sh", CT + "; printf 'first'; sleep 30");
        Thread.ofPlatform().start(() -> {
            try {
                rig.sink.awaitFirstWrite();
                rig.sink.clientLeaves();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CgiOutcome.Aborted a = aborted(rig.serve(s));

        assertThat(a.reason()).isEqualTo("the client went away");
        assertThat(a.report().endedBy()).isEqualTo(EndedBy.CLIENT_DISCONNECT);
        assertThat(rig.sink.ended).isFalse();
    }

    @Test
    void clientGoneBeforeTheHeaders() throws Exception {
        Path s = rig.script("mute.sh", "sleep 30");
        Thread.ofPlatform().start(() -> {
            try {
                rig.sink.clientLeaves();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CgiOutcome.Aborted a = aborted(rig.serve(s));

        assertThat(a.status()).isEqualTo(CgiGateway.CLIENT_CLOSED);
        assertThat(a.reason()).isEqualTo("the client went away before the program sent its headers");
        assertThat(a.report().endedBy()).isEqualTo(EndedBy.CLIENT_DISCONNECT);
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_EXIT", "CGI_RESPONSE_ABORTED");
    }

    @Test
    void clientGoneBeforeTheResponseStarted() throws Exception {
        Path s = rig.script("late.sh", CT + "; printf 'x'; sleep 30");
        rig.sink.refuseBegin();
        CgiOutcome.Aborted a = aborted(rig.serve(s));

        assertThat(a.reason()).isEqualTo("client went away before the response started: Connection reset by peer");
        assertThat(a.report().endedBy()).isEqualTo(EndedBy.CLIENT_DISCONNECT);
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_HEADERS_RECEIVED", "CGI_EXIT", "CGI_RESPONSE_ABORTED");
    }

    @Test
    void nphOutputIsRelayedUntouched() throws Exception {
        String out = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Nph: raw\r\n\r\nraw nph body\n";
        Path s = rig.script("nph-ok.sh", "printf '" + out.replace("\r", "\\r").replace("\n", "\\n") + "'");
        CgiOutcome outcome = rig.serve(s);

        assertThat(outcome).isInstanceOf(CgiOutcome.Completed.class);
        assertThat(((CgiOutcome.Completed) outcome).status()).isEqualTo(200);
        assertThat(rig.sink.began).isFalse();
        assertThat(rig.sink.beganRaw).isTrue();
        assertThat(rig.sink.raw.toString(StandardCharsets.ISO_8859_1)).isEqualTo(out);
        assertThat(outcome.report().bodyBytes()).isEqualTo(out.length());
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_HEADERS_RECEIVED", "CGI_EXIT");
        assertThat(rig.event(TraceEvent.CgiHeadersReceived.class).headers()).isEqualTo(out);
    }

    @Test
    void nphWithAnInvalidStatusLine() throws Exception {
        Path s = rig.script("nph-bad.sh", "printf 'HTTP/9 OK\\r\\n\\r\\n'");
        CgiOutcome outcome = rig.serve(s);

        GatewayFailure.InvalidHeaders f = failure(outcome, GatewayFailure.InvalidHeaders.class);
        assertThat(f.lineNumber()).isEqualTo(1);
        assertThat(f.reason()).isEqualTo("invalid HTTP version");
        assertThat(f.quotedLine()).isEqualTo("\"HTTP/9 OK\"");
        assertThat(rig.sink.beganRaw).isFalse();
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_INVALID_HEADERS", "CGI_EXIT");
        assertThat(rig.errorLogLines()).containsExactly(logLine("cgi: invalid NPH status line: \"HTTP/9 OK\""
                + where(outcome, s)));
    }

    @Test
    void localRedirectIsReportedNotSent() throws Exception {
        Path s = Path.of("src/test/cgi-bin/redirect-local.sh").toAbsolutePath();
        CgiOutcome outcome = rig.serve(s);

        assertThat(outcome).isInstanceOf(CgiOutcome.LocalRedirect.class);
        assertThat(((CgiOutcome.LocalRedirect) outcome).location()).isEqualTo("/t/env.sh?from=redirect");
        assertThat(rig.sink.began).isFalse();
        assertThat(rig.events()).containsExactly("CGI_LAUNCH", "CGI_HEADERS_RECEIVED", "CGI_EXIT");
    }

    @Test
    void requestBodyReachesStdin() throws Exception {
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) body[i] = (byte) i;
        Path s = Path.of("src/test/cgi-bin/echo-body.sh").toAbsolutePath();
        CgiOutcome outcome = rig.serve(s, new ByteArrayInputStream(body), body.length);

        assertThat(outcome).isInstanceOf(CgiOutcome.Completed.class);
        assertThat(Arrays.equals(rig.sink.body.toByteArray(), body)).as("the body came back unchanged").isTrue();
        assertThat(outcome.report().bytesFromClient()).isEqualTo(body.length);
        assertThat(outcome.report().bytesToProgram()).isEqualTo(body.length);
        assertThat(rig.event(TraceEvent.CgiRequestEntitySent.class).bytes()).isEqualTo(body.length);
    }

    @Test
    void stderrIsCapturedAndTaggedInTheErrorLog() throws Exception {
        Path s = rig.script("noisy.sh", "echo 'first problem' >&2; echo 'second problem' >&2; " + CT + "; printf ok");
        CgiOutcome outcome = rig.serve(s);

        assertThat(outcome).isInstanceOf(CgiOutcome.Completed.class);
        assertThat(outcome.report().stderrTail()).isEqualTo("first problem\nsecond problem\n");
        assertThat(rig.records()).map(r -> r.event()).filteredOn(TraceEvent.CgiStderr.class::isInstance)
                .map(e -> ((TraceEvent.CgiStderr) e).text()).containsExactly("first problem", "second problem");
        assertThat(rig.errorLogLines()).containsExactly(
                logLine("cgi: stderr: first problem" + where(outcome, s)),
                logLine("cgi: stderr: second problem" + where(outcome, s)));
    }

    @Test
    void programThatCannotStart() throws Exception {
        Path s = dir.resolve("missing.sh");
        byte[] body = "unread".getBytes(StandardCharsets.US_ASCII);
        CgiOutcome outcome = rig.serve(s, new ByteArrayInputStream(body), body.length);

        GatewayFailure.LaunchFailed f = failure(outcome, GatewayFailure.LaunchFailed.class);
        assertThat(f.status() + "." + f.subStatus()).isEqualTo("502.3");
        assertThat(f.errorCode()).isEqualTo("ENOENT");
        assertThat(outcome.report().pid()).isEqualTo(-1);
        assertThat(outcome.report().exit()).isNull();
        assertThat(outcome.report().bytesFromClient()).as("the body is still read").isEqualTo(body.length);
        assertThat(rig.events()).containsExactly("CGI_LAUNCH");
        assertThat(rig.event(TraceEvent.CgiLaunch.class).errorCode()).isEqualTo("ENOENT");
    }

    /** Prints each named variable's bytes in hex, one line per variable. */
    private Path hexOf(String... names) throws Exception {
        StringBuilder sh = new StringBuilder(CT);
        for (String n : names) sh.append("; printf '%s' \"$").append(n).append("\" | od -An -tx1 | tr -s ' \\n' '  '; echo");
        return rig.script("bytes.sh", sh.toString());
    }

    private List<String> hexLines() {
        return rig.sink.bodyText().lines().map(String::trim).toList();
    }

    @Test
    void requestHeaderBytesReachTheProgramUnchanged() throws Exception {
        // Header values as the HTTP layer hands them over: one char per octet ("caf" C3 A9; a lone FF).
        rig.header("X-Name", "caf\u00c3\u00a9").header("X-Raw", "\u00ff!");
        rig.pathInfo = "/\u00fc";
        CgiOutcome outcome = rig.serve(hexOf("HTTP_X_NAME", "HTTP_X_RAW", "PATH_INFO"));

        assertThat(outcome).isInstanceOf(CgiOutcome.Completed.class);
        assertThat(hexLines()).containsExactly("63 61 66 c3 a9", "ff 21", "2f c3 bc");
    }

    @Test
    void theProcessBuilderFallbackPassesUtf8ButNotOtherBytes() throws Exception {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "the JDK encodes the environment in sun.jnu.encoding");
        rig.close();
        rig = new GatewayRig(dir, new ProcessBuilderLauncher());
        rig.header("X-Name", "caf\u00c3\u00a9").header("X-Raw", "\u00ff!");
        CgiOutcome outcome = rig.serve(hexOf("HTTP_X_NAME", "HTTP_X_RAW"));

        assertThat(outcome).isInstanceOf(CgiOutcome.Completed.class);
        assertThat(hexLines()).containsExactly("63 61 66 c3 a9", "ef bf bd 21");
    }

    private static <F extends GatewayFailure> F failure(CgiOutcome outcome, Class<F> type) {
        assertThat(outcome).isInstanceOf(CgiOutcome.Failed.class);
        GatewayFailure f = ((CgiOutcome.Failed) outcome).failure();
        assertThat(f).isInstanceOf(type);
        return type.cast(f);
    }

    private static CgiOutcome.Aborted aborted(CgiOutcome outcome) {
        assertThat(outcome).isInstanceOf(CgiOutcome.Aborted.class);
        return (CgiOutcome.Aborted) outcome;
    }

    private static String where(CgiOutcome outcome, Path script) {
        return " (pid " + outcome.report().pid() + ", script " + script + ")";
    }

    /** Matches an error-log line by its tag and message, whatever its timestamp. */
    private String logLine(String message) {
        return "[" + rig.requestId() + "] " + message;
    }

    /** Waits up to 5 s for a process to be gone (or a zombie waiting for init). */
    private static boolean gone(long pid) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            if (p.isEmpty() || !p.get().isAlive()) return true;
            Thread.sleep(50);
        }
        return false;
    }
}
