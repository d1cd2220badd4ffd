package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The defects other servers' own CGI test suites found (Go's net/http/cgi, Apache's httpd-tests, lighttpd's),
 * each replayed over real HTTP: issue 8's list.
 */
class RfcConformanceTest {
    @RegisterExtension
    static final TestServer ts = TestServer.fixture();

    static Map<String, String> env(String raw) { return CgiBasicsTest.env(raw.replace("\r\n", "\n")); }

    @Test
    void serverPortIsTheConnectionsPortWhenHostHasNone() throws Exception {
        String raw = ts.raw("GET /t/env.sh HTTP/1.1\r\nHost: righthost\r\nConnection: close\r\n\r\n");
        assertThat(env(raw)).containsEntry("SERVER_NAME", "righthost")
                .containsEntry("SERVER_PORT", Integer.toString(ts.port()));
    }

    @Test
    void aHostPortOtherThanTheConnectionsIsNotBelieved() throws Exception {
        String raw = ts.raw("GET /t/env.sh HTTP/1.1\r\nHost: righthost:1234\r\nConnection: close\r\n\r\n");
        assertThat(env(raw)).containsEntry("SERVER_NAME", "righthost")
                .containsEntry("SERVER_PORT", Integer.toString(ts.port()));
        String same = ts.raw("GET /t/env.sh HTTP/1.1\r\nHost: righthost:" + ts.port() + "\r\nConnection: close\r\n\r\n");
        assertThat(env(same)).containsEntry("SERVER_PORT", Integer.toString(ts.port()));
    }

    @Test
    void anAbsoluteFormTargetsAuthorityWinsOverHost() throws Exception {
        String raw = ts.raw("GET http://righthost:123/t/env.sh HTTP/1.1\r\nHost: wronghost:321\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 200 ");
        assertThat(env(raw)).containsEntry("SERVER_NAME", "righthost").containsEntry("SERVER_PORT", "123")
                .containsEntry("SCRIPT_NAME", "/t/env.sh");
        String noPort = ts.raw("GET http://righthost/t/env.sh HTTP/1.1\r\nHost: wronghost:321\r\nConnection: close\r\n\r\n");
        assertThat(env(noPort)).containsEntry("SERVER_NAME", "righthost").containsEntry("SERVER_PORT", "80");
    }

    @Test
    void ipv6AddressesAreInRfc5952FormEverywhere() throws Exception {
        try (TestServer v6 = TestServer.start(c -> c.withListen(List.of("[::1]:0")))) {
            String raw;
            try (Socket s = new Socket("::1", v6.server.addresses().getFirst().getPort())) {
                s.getOutputStream().write("GET /t/env.sh HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                raw = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            assertThat(env(raw)).containsEntry("REMOTE_ADDR", "::1").containsEntry("REMOTE_HOST", "::1")
                    .containsEntry("SERVER_ADDR", "::1").containsEntry("SERVER_NAME", "::1");
            String id = raw.replaceAll("(?s).*X-Request-Id: ([0-9a-f-]+).*", "$1");
            assertThat(v6.accessLogRow(id)).containsEntry("c-ip", "::1").containsEntry("s-ip", "::1");
        }
    }

    /** Each breaks the chunked framing of RFC 9112 §7.1 in a different way. */
    @ParameterizedTest
    @ValueSource(strings = {
            "az\r\nhello\r\n0\r\n\r\n",                 // not a hex chunk size
            "-5\r\nhello\r\n0\r\n\r\n",                 // a negative size
            "3\r\nhello\r\n0\r\n\r\n",                  // data longer than its size
            "5;ext=\"a\rb\"\r\nhello\r\n0\r\n\r\n",     // a stray CR in a chunk extension
    })
    void aMalformedChunkedBodyIs400AndNeverReachesTheProgram(String body) throws Exception {
        String raw = ts.raw("POST /t/echo-body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n" + body);
        assertThat(raw).startsWith("HTTP/1.1 400 ").contains("HTTP Error 400.0", "chunked request body")
                .doesNotContain("hello").doesNotContain("Report this");
        assertThat(ts.errorLog()).doesNotContain("internal error");
    }

    @Test
    void aTruncatedChunkedBodyFollowedByAHalfCloseIs400() throws Exception {
        String raw = ts.rawThenHalfClose("POST /t/echo-body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "a\r\nhello");
        assertThat(raw).startsWith("HTTP/1.1 400 ").contains("ended early");
        assertThat(ts.errorLog()).doesNotContain("internal error");
    }

    @Test
    void nonAsciiHeaderBytesReachTheProgramUnchanged() throws Exception {
        byte[] head = ("GET /t/env.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Name: caf").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(head);
        req.writeBytes(new byte[] {(byte) 0xc3, (byte) 0xa9});
        req.writeBytes("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] response;
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            OutputStream out = s.getOutputStream();
            out.write(req.toByteArray());
            InputStream in = s.getInputStream();
            response = in.readAllBytes();
        }
        String asUtf8 = new String(response, StandardCharsets.UTF_8);
        assertThat(asUtf8).contains("env-HTTP_X_NAME=café\n");
    }

    @Test
    void aStatusReasonWithAControlCharacterIs502_2() throws Exception {
        var r = ts.send(ts.request("/t/status-control-char.sh").header("Accept", "application/json"));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("\"statusCode\":\"502.2\"").contains("Status");
    }

    /** Request smuggling: a body framed two ways, or two lengths, is refused before any handler (RFC 9112 §6.3). */
    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            "Content-Length: 5\r\nContent-Length: 6\r\n",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"})
    void aBodyFramedTwoWaysIsRefused(String framing) throws Exception {
        String raw = ts.raw("POST /t/echo-body.sh HTTP/1.1\r\nHost: x\r\n" + framing + "Connection: close\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n");
        assertThat(raw).startsWith("HTTP/1.1 400 ").doesNotContain("\r\n\r\nhello");
    }
}
