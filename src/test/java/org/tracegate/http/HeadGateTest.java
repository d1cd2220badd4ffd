package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests through {@link HeadGateConnection}, which gathers each head before Jetty parses it: whatever way a head
 * arrives — in pieces, after empty lines, longer than the gate holds, with a body or a second request behind it —
 * Jetty gets the same bytes and answers as it would have.
 */
class HeadGateTest {
    @RegisterExtension
    static final TestServer ts = TestServer.fixture();

    static String exchange(String... pieces) throws Exception {
        try (Socket s = SocketClients.from("127.0.0.1", ts.port())) {
            s.setSoTimeout(15_000);
            for (String p : pieces) {
                SocketClients.send(s, p);
                Thread.sleep(100);
            }
            return SocketClients.readResponse(s.getInputStream());
        }
    }

    @Test
    void aHeadInPiecesIsServed() throws Exception {
        assertThat(exchange("GET /t/env.sh HT", "TP/1.1\r\nHost: a\r", "\n", "Connection: close\r\n\r", "\n"))
                .startsWith("HTTP/1.1 200 ");
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreSkipped() throws Exception {
        assertThat(exchange("\r\n\r\n", "\r\nGET /t/env.sh HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 ");
    }

    @Test
    void aHeadLongerThanTheGateHoldsIsServed() throws Exception {
        String big = "X-Big: " + "b".repeat(12_000) + "\r\n"; // beyond the 8 KiB input buffer, within the 16 KiB head limit
        String answer = exchange("GET /t/env.sh HTTP/1.1\r\nHost: a\r\n" + big.substring(0, 5_000),
                big.substring(5_000) + "Connection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200 ").contains("HTTP_X_BIG=" + "b".repeat(100));
    }

    @Test
    void aHeadOverJettysLimitIsStillJettysToRefuse() throws Exception {
        String answer = exchange("GET /t/env.sh HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 431 ");
    }

    @Test
    void theBodyBehindTheHeadReachesTheProgram() throws Exception {
        assertThat(exchange("POST /t/echo-body.sh HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"))
                .startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nhello");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = SocketClients.from("127.0.0.1", ts.port())) {
            s.setSoTimeout(15_000);
            SocketClients.send(s, "GET /t/env.sh?one HTTP/1.1\r\nHost: a\r\n\r\nGET /t/env.sh?two HTTP/1.1\r\nHost: a\r\n"
                    + "Connection: close\r\n\r\n");
            InputStream in = s.getInputStream();
            assertThat(SocketClients.readResponse(in)).startsWith("HTTP/1.1 200 ").contains("QUERY_STRING=one");
            assertThat(SocketClients.readResponse(in)).startsWith("HTTP/1.1 200 ").contains("QUERY_STRING=two");
        }
    }

    @Test
    void aHeadCutShortByEndOfStreamIsJettysToReport() throws Exception {
        // The gate hands over at end of stream: Jetty sees the truncated head, reports it (a 400 exchange, "Early
        // EOF") and closes, as it did without the gate.
        // Whether the 400 reaches the client depends on who is first, Jetty's write or its close after the EOF: both
        // happen (CI saw each). What must hold: nothing but a 400, the EOF reported, and no program run.
        String answer = ts.rawThenHalfClose("GET /t/env.sh?cut HTTP/1.1\r\nHost: a\r\n");
        assertThat(answer.isEmpty() || answer.startsWith("HTTP/1.1 400 ")).as(answer).isTrue();
        assertThat(answer).doesNotContain("REQUEST_METHOD");
        assertThat(ts.errorLog()).contains("Early EOF");
    }
}
