package org.tracegate.gateway.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tracegate.gateway.cgi.RelayEnd;

/**
 * Every case of {@link FastCgiExchangeTest} again on the push path ({@link PushExchange} on an event loop, no thread
 * waiting on the socket): the same facts from the same server answers. Requests with a body still run blocking, over
 * the bound connection. Plus what only the push path has: back-pressure from a client that does not read.
 */
class PushExchangeTest extends FastCgiExchangeTest {

    @Override
    ExchangeRig newRig() { return ExchangeRig.push(); }

    /** A bug in what the gateway does with the result reaches its fault path: the HTTP request is answered, not left. */
    @Test
    void aFaultInTheGatewaysDoneIsReportedNotLost() throws Exception {
        server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            p.stdout(1, "Content-Type: text/plain\r\n\r\nok");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        Throwable t = rig.servePushWhoseDoneThrows(c, ExchangeRig.params("/srv/x.php")).get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("the gateway's done threw");
    }

    /** A request that faulted after its STDERR outgrew limits.stderrKiB still says how much was not logged, once. */
    @Test
    void aFaultAfterTooMuchStderrStillLogsHowMuchWasNotLogged() throws Exception {
        server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            for (int i = 0; i < 8; i++) p.stderr(1, "y".repeat(500) + "\n");   // 4 KiB against a budget of 1 KiB
            p.stdout(1, "Content-Type: text/plain\r\n\r\nok");
            while (p.read() != null) { }                    // until the fault closes the connection
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        Throwable t = rig.servePushWhoseHeadPolicyThrows(c, ExchangeRig.params("/srv/x.php"), 1024).get(10, TimeUnit.SECONDS);
        assertThat(t).hasMessage("the head policy threw");
        assertThat(rig.stderrLines()).filteredOn(l -> l.contains("more bytes not logged")).as("the count of the rest")
                .singleElement().asString().matches("fastcgi: stderr: \\d+ more bytes not logged \\(limits.stderrKiB = 1;.*");
    }

    @Test
    void aClientThatDoesNotReadStopsTheReadsFromTheServerUntilItDoes() throws Exception {
        int records = 256;                               // 8 MiB: far more than the sockets between us can hold
        byte[] chunk = new byte[32 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        String text = new String(chunk, java.nio.charset.StandardCharsets.ISO_8859_1);
        AtomicLong sentByServer = new AtomicLong();
        server = FakeFastCgiServer.unix(dir, p -> {
            p.readRequest();
            p.stdout(1, "Content-Type: text/plain\r\n\r\n");
            for (int i = 0; i < records; i++) {
                p.stdout(1, text);
                sentByServer.addAndGet(chunk.length);
            }
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        rig.sink.holdWrites();
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        CompletableFuture<ExchangeRig.Result> f = CompletableFuture.supplyAsync(
                () -> rig.serve(c, ExchangeRig.params("/srv/x.php"), null, true));
        assertThat(rig.sink.awaitFirstWrite()).isTrue();
        Thread.sleep(300);                               // the server writes until the sockets are full
        long whileHeld = sentByServer.get();
        Thread.sleep(300);
        assertThat(sentByServer.get()).as("the server is stopped by the full sockets, not read on").isEqualTo(whileHeld);
        assertThat(whileHeld).isLessThan((long) records * chunk.length / 2);
        assertThat(rig.sink.pushWrites.get()).as("one write in flight, no more").isEqualTo(1);
        rig.sink.releaseAll();
        ExchangeRig.Result r = f.get(20, TimeUnit.SECONDS);
        assertThat(r.relay()).isEqualTo(new RelayEnd.Completed((long) records * chunk.length));
        assertThat(rig.sink.body()).hasSize(records * chunk.length);
        assertThat(rig.sink.ended).isTrue();
        assertThat(r.report().connectionKept()).isTrue();
    }

    @Test
    void aStreamThatNeverLetsUpDoesNotKeepTheEventLoopFromOtherRequests() throws Exception {
        byte[] chunk = new byte[32 * 1024];
        String text = new String(chunk, java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.concurrent.atomic.AtomicBoolean streaming = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.nio.file.Path a = java.nio.file.Files.createDirectory(dir.resolve("a"));
        java.nio.file.Path b = java.nio.file.Files.createDirectory(dir.resolve("b"));
        server = FakeFastCgiServer.unix(a, p -> {
            p.readRequest();
            p.stdout(1, "Content-Type: text/plain\r\n\r\n");
            for (int i = 0; i < 1024 && streaming.get(); i++) p.stdout(1, text);   // up to 32 MiB, as fast as it goes
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        });
        try (FakeFastCgiServer small = FakeFastCgiServer.unix(b, p -> {
            p.readRequest();
            p.stdout(1, "Content-Type: text/plain\r\n\r\nsmall");
            p.end(1, 0, ProtocolStatus.REQUEST_COMPLETE);
        })) {
            rig.sink.writeNanos = 1_000_000;       // each write completes, slowly: the application always has more ready
            CompletableFuture<ExchangeRig.Result> big = rig.servePush(
                    FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2)),
                    ExchangeRig.params("/srv/big.php"), true, false, rig.sink);
            assertThat(rig.sink.awaitFirstWrite()).isTrue();
            RecordingSink other = new RecordingSink();
            ExchangeRig.Result r = rig.servePush(FastCgiConnection.open(small.address(), java.time.Duration.ofSeconds(2)),
                    ExchangeRig.params("/srv/small.php"), true, false, other).get(10, TimeUnit.SECONDS);
            assertThat(big).as("the stream still runs while the small request was answered").isNotDone();
            assertThat(other.bodyText()).isEqualTo("small");
            assertThat(r.relay()).isEqualTo(new RelayEnd.Completed(5));
            streaming.set(false);
            assertThat(big.get(30, TimeUnit.SECONDS).relay()).isInstanceOf(RelayEnd.Completed.class);
        }
    }

    @Test
    void afterACleanEndTheConnectionCarriesTheNextRequestWhileTheClientIsStillBeingSentTheFirst() throws Exception {
        server = FakeFastCgiServer.unix(dir, p -> {
            for (int id = 1; id <= 2; id++) {
                p.readRequest();
                p.send(new FastCgiRecord.Stream(RecordType.STDOUT, id,                 // in one write, as php-fpm's
                                ("Content-Type: text/plain\r\n\r\nr" + id).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                        new FastCgiRecord.EndRequest(id, 0, ProtocolStatus.REQUEST_COMPLETE));
            }
        });
        FastCgiConnection c = FastCgiConnection.open(server.address(), java.time.Duration.ofSeconds(2));
        rig.sink.holdWrites();                           // the first client takes nothing yet
        CompletableFuture<ExchangeRig.Result> first = rig.servePush(c, ExchangeRig.params("/srv/x.php"), true, false, rig.sink);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (rig.handedOff.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(rig.handedOff).as("the connection was given back at END_REQUEST").hasSize(1);
        assertThat(rig.handedOff.getFirst().connectionKept()).isTrue();
        assertThat(first).as("its response is not complete: the client has not taken it").isNotDone();

        RecordingSink second = new RecordingSink();
        ExchangeRig.Result r2 = rig.servePush(c, ExchangeRig.params("/srv/x.php"), true, false, second).get(10, TimeUnit.SECONDS);
        assertThat(second.bodyText()).isEqualTo("r2");
        assertThat(r2.report().priorRequests()).isEqualTo(1);

        rig.sink.releaseAll();
        ExchangeRig.Result r1 = first.get(10, TimeUnit.SECONDS);
        assertThat(r1.relay()).isEqualTo(new RelayEnd.Completed(2));
        assertThat(rig.sink.bodyText()).isEqualTo("r1");
        assertThat(r1.report()).isSameAs(rig.handedOff.getFirst());
    }
}
