package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;

/**
 * The request-body decoder (Jetty's chunked parsing, then our spool) against random bytes over a real socket:
 * a valid chunked encoding reaches the program exactly, and anything else is a 400 of ours or a valid body —
 * never a 500, never a stack trace, and the connection's answer is always a complete HTTP response.
 */
class ChunkedBodyProperties {
    static TestServer ts;

    @BeforeContainer
    static void start() throws Exception { ts = TestServer.start(); }

    @AfterContainer
    static void stop() throws Exception { ts.close(); }

    @Provide
    Arbitrary<byte[]> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        // Bytes a chunked body is made of, in random order: sizes, extensions, CRs and LFs.
        Arbitrary<byte[]> likely = Arbitraries.strings().withChars("0123456789abcdefABCDEFxz-;= \t\r\n\"").ofMaxLength(120)
                .map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
        return Arbitraries.oneOf(random, likely);
    }

    @Property(tries = 150)
    void randomBytesAsAChunkedBodyAreNeverAServerFault(@ForAll("garbage") byte[] body) throws IOException {
        String raw = send(body, true);
        assertThat(raw).as("a complete response").matches("(?s)HTTP/1\\.1 \\d{3} .*");
        int status = Integer.parseInt(raw.substring(9, 12));
        assertThat(status).as(raw).isIn(200, 400, 413);
        assertThat(raw).doesNotContain("Report this").doesNotContain("Exception");
    }

    @Property(tries = 60)
    void aValidChunkedEncodingReachesTheProgramExactly(@ForAll @Size(max = 6) List<byte[]> chunks) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            if (c.length == 0) continue;
            wire.writeBytes((Integer.toHexString(c.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            wire.writeBytes(c);
            wire.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            data.writeBytes(c);
        }
        wire.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String raw = send(wire.toByteArray(), false);
        assertThat(raw).startsWith("HTTP/1.1 200 ");
        String head = raw.substring(0, raw.indexOf("\r\n\r\n"));
        String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        assertThat(head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked") ? dechunk(body) : body).isEqualTo(new String(data.toByteArray(), StandardCharsets.ISO_8859_1));
    }

    /** POSTs {@code body} as a chunked body to echo-body.sh; half-closes after it when {@code halfClose}. */
    private static String send(byte[] body, boolean halfClose) throws IOException {
        try (Socket s = new Socket("127.0.0.1", ts.port())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("POST /t/echo-body.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            if (halfClose) s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A response Jetty chunked, unchunked (also for other tests' raw responses). */
    static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = s.indexOf("\r\n", i);
            int n = Integer.parseInt(s.substring(i, eol).trim(), 16);
            if (n == 0) return out.toString();
            out.append(s, eol + 2, eol + 2 + n);
            i = eol + 2 + n + 2;
        }
    }
}
