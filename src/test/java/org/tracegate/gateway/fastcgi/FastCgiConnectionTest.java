package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValues;
import org.tracegate.gateway.fastcgi.FastCgiRecord.GetValuesResult;
import org.tracegate.gateway.fastcgi.FastCgiRecord.UnknownType;
import org.tracegate.gateway.fastcgi.NameValuePairs.Pair;

/** Connecting, and asking GET_VALUES: each failure with its errno, and no hang on a silent server. */
class FastCgiConnectionTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void aMissingUnixSocketIsEnoent() {
        FastCgiAddress a = new FastCgiAddress.Unix(dir.resolve("php-fpm.sock"));
        assertConnectFails(a, "ENOENT", "cannot connect to unix:" + dir.resolve("php-fpm.sock")
                + ": ENOENT (No such file or directory)");
    }

    @Test
    void aUnixSocketNobodyListensOnIsEconnrefused() throws Exception {
        Path p = dir.resolve("stale.sock");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(p));
        s.close();                                     // the socket file stays, as after a crashed server
        assertThat(p).exists();
        assertConnectFails(new FastCgiAddress.Unix(p), "ECONNREFUSED", null);
    }

    @Test
    void aTcpPortNobodyListensOnIsEconnrefused() throws Exception {
        int port;
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        assertConnectFails(new FastCgiAddress.Tcp("127.0.0.1", port), "ECONNREFUSED", null);
    }

    @Test
    void aFullUnixListenQueueIsEagainAtOnce() throws Exception {
        Path p = dir.resolve("busy.sock");
        List<SocketChannel> queued = new ArrayList<>();
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(p), 1);      // never accepts: like a pool with every worker busy
            FastCgiAddress a = new FastCgiAddress.Unix(p);
            FastCgiConnectException failure = null;
            for (int i = 0; i < 8 && failure == null; i++) {
                try {
                    SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                    queued.add(c);
                    c.configureBlocking(false);        // a blocking connect would wait for a free slot
                    c.connect(UnixDomainSocketAddress.of(p));
                } catch (java.io.IOException e) {
                    long t0 = System.nanoTime();
                    try {
                        FastCgiConnection.open(a, CONNECT).close();
                    } catch (FastCgiConnectException f) {
                        failure = f;
                        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
                    }
                }
            }
            assertThat(failure).isNotNull();
            assertThat(failure.errnoName()).isEqualTo("EAGAIN");
        } finally {
            for (SocketChannel c : queued) c.close();
        }
    }

    @Test
    void aTcpConnectThatDoesNotCompleteIsEtimedout() throws Exception {
        // A listener that never accepts, its queue filled: Linux then drops further SYNs, so connect hangs.
        List<SocketChannel> queued = new ArrayList<>();
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            InetSocketAddress at = (InetSocketAddress) s.getLocalAddress();
            for (int i = 0; i < 4; i++) {
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(at);
                queued.add(c);
            }
            long t0 = System.nanoTime();
            assertConnectFails(new FastCgiAddress.Tcp("127.0.0.1", at.getPort()), Duration.ofMillis(300), "ETIMEDOUT",
                    "cannot connect to tcp:127.0.0.1:" + at.getPort() + ": ETIMEDOUT (not connected within 300 ms)");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(250L, 3000L);
        } finally {
            for (SocketChannel c : queued) c.close();
        }
    }

    @Test
    void anUnknownHostIsUnresolved() {
        assertConnectFails(new FastCgiAddress.Tcp("no-such-host.invalid", 9000), "UNRESOLVED", null);
    }

    @Test
    void getValuesIsAnswered() throws Exception {
        List<FastCgiRecord> asked = new ArrayList<>();
        try (FakeFastCgiServer s = FakeFastCgiServer.unix(dir, p -> {
            asked.add(p.read());
            p.send(new GetValuesResult(List.of(new Pair("FCGI_MAX_CONNS", "10"), new Pair("FCGI_MAX_REQS", "50"),
                    new Pair("FCGI_MPXS_CONNS", "1"))));
        })) {
            ValuesAnswer a = FastCgiConnection.askValues(s.address(), CONNECT, Duration.ofSeconds(2));
            assertThat(asked).containsExactly(new GetValues(List.of("FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS")));
            assertThat(a).isInstanceOfSatisfying(ValuesAnswer.Answered.class, v -> {
                assertThat(v.values().maxConns()).isEqualTo(OptionalInt.of(10));
                assertThat(v.values().maxReqs()).isEqualTo(OptionalInt.of(50));
                assertThat(v.values().multiplexes()).isEqualTo(Optional.of(true));
            });
        }
    }

    @Test
    void valuesThatAreNotNumbersAreUnknown() throws Exception {
        try (FakeFastCgiServer s = FakeFastCgiServer.unix(dir, p -> {
            p.read();
            p.send(new GetValuesResult(List.of(new Pair("FCGI_MAX_CONNS", "many"), new Pair("FCGI_MPXS_CONNS", "yes"))));
        })) {
            ValuesAnswer.Answered a = (ValuesAnswer.Answered) FastCgiConnection.askValues(s.address(), CONNECT, Duration.ofSeconds(2));
            assertThat(a.values().maxConns()).isEmpty();
            assertThat(a.values().maxReqs()).isEmpty();
            assertThat(a.values().multiplexes()).isEmpty();
            assertThat(a.values().reported()).containsEntry("FCGI_MAX_CONNS", "many");
        }
    }

    @Test
    void aServerThatNeverAnswersGetValuesIsUnknownNotAHang() throws Exception {
        try (FakeFastCgiServer s = FakeFastCgiServer.unix(dir, p -> {
            p.read();
            p.read();                                  // silent until we close
        })) {
            long t0 = System.nanoTime();
            ValuesAnswer a = FastCgiConnection.askValues(s.address(), CONNECT, Duration.ofMillis(200));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(150L, 2000L);
            assertThat(a).isEqualTo(new ValuesAnswer.Unanswered("no answer within 200 ms"));
        }
    }

    @Test
    void aServerThatDoesNotKnowGetValues() throws Exception {
        try (FakeFastCgiServer s = FakeFastCgiServer.unix(dir, p -> {
            p.read();
            p.send(new UnknownType(RecordType.GET_VALUES.code()));
        })) {
            assertThat(FastCgiConnection.askValues(s.address(), CONNECT, Duration.ofSeconds(2))).isEqualTo(
                    new ValuesAnswer.Unanswered("the server does not know GET_VALUES (it answered UNKNOWN_TYPE)"));
        }
    }

    @Test
    void aServerThatClosesOrBreaksTheProtocol() throws Exception {
        try (FakeFastCgiServer s = FakeFastCgiServer.unix(dir, p -> p.read())) {
            assertThat(FastCgiConnection.askValues(s.address(), CONNECT, Duration.ofSeconds(2)))
                    .isEqualTo(new ValuesAnswer.Unanswered("the server closed the connection without answering"));
        }
        try (FakeFastCgiServer s = FakeFastCgiServer.unix(dir, p -> {
            p.read();
            p.send("HTTP/1.0 400 Bad Request\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        })) {
            ValuesAnswer a = FastCgiConnection.askValues(s.address(), CONNECT, Duration.ofSeconds(2));
            assertThat(((ValuesAnswer.Unanswered) a).why())
                    .isEqualTo("the answer broke the protocol: at byte 0: the server answered in HTTP, not FastCGI: \"HTTP/1.0\"");
        }
    }

    @Test
    void aConnectionCarriesOneRequestAtATime() throws Exception {
        try (FakeFastCgiServer s = FakeFastCgiServer.unix(dir, p -> p.read());
             ExchangeRig rig = new ExchangeRig()) {
            FastCgiConnection c = FastCgiConnection.open(s.address(), CONNECT);
            c.start(new ExchangeRequest(ExchangeRig.params("/x"), null, true), rig.watchdog, ExchangeRig.ABORT_GRACE,
                    rig.trace, rig.log::add);
            assertThat(c.reusable()).isFalse();
            assertThatThrownBy(() -> c.start(new ExchangeRequest(ExchangeRig.params("/x"), null, true), rig.watchdog,
                    ExchangeRig.ABORT_GRACE, rig.trace, rig.log::add)).isInstanceOf(IllegalStateException.class);
            c.close();
        }
    }

    @Test
    void addressesParseAndPrintAsOperatorsWriteThem() {
        assertThat(FastCgiAddress.parse("unix:/run/php/php8.2-fpm.sock"))
                .isEqualTo(new FastCgiAddress.Unix(Path.of("/run/php/php8.2-fpm.sock")));
        assertThat(FastCgiAddress.parse("tcp:127.0.0.1:9000")).isEqualTo(new FastCgiAddress.Tcp("127.0.0.1", 9000));
        assertThat(FastCgiAddress.parse("tcp:[::1]:9000")).isEqualTo(new FastCgiAddress.Tcp("::1", 9000));
        assertThat(new FastCgiAddress.Tcp("::1", 9000)).hasToString("tcp:[::1]:9000");
        assertThat(FastCgiAddress.parse("unix:/x.sock")).hasToString("unix:/x.sock");
        for (String bad : List.of("unix:", "tcp:host", "tcp::9000", "tcp:h:0", "tcp:h:99999", "tcp:h:x", "/run/x.sock")) {
            assertThatThrownBy(() -> FastCgiAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }

    private static void assertConnectFails(FastCgiAddress a, String errno, String message) {
        assertConnectFails(a, CONNECT, errno, message);
    }

    private static void assertConnectFails(FastCgiAddress a, Duration timeout, String errno, String message) {
        assertThatThrownBy(() -> FastCgiConnection.open(a, timeout)).isInstanceOfSatisfying(FastCgiConnectException.class, e -> {
            assertThat(e.errnoName()).isEqualTo(errno);
            assertThat(e.address()).isEqualTo(a);
            if (message != null) assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void noSocketFileIsLeftByTheseTests() throws Exception {
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".sock") && f.getFileName().toString().startsWith("fake"))).isEmpty();
        }
    }
}
