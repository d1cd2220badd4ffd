package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.tracegate.gateway.fastcgi.PushTransport;

/** A FastCGI socket on the site's selector: reads, writes and close through it, and no client counter hears of it. */
class SiteConnectorTest {

    /** A started server with one site connector on 127.0.0.1; {@code limit} > 0 adds Jetty's ConnectionLimit. */
    private record Rig(Server server, SiteConnector connector) implements AutoCloseable {
        static Rig start(int limit, Object... beans) throws Exception {
            Server server = new Server();
            SiteConnector c = new SiteConnector(server, new HttpConnectionFactory());
            c.setHost("127.0.0.1");
            c.setPort(0);
            for (Object b : beans) c.addBean(b);
            server.addConnector(c);
            if (limit > 0) server.addBean(new org.eclipse.jetty.server.ConnectionLimit(limit, c));
            server.start();
            return new Rig(server, c);
        }

        @Override
        public void close() throws Exception { server.stop(); }
    }

    /** Binds a connected, non-blocking socket and waits for its transport. */
    private static PushTransport bind(SiteConnector connector, SocketChannel channel) throws Exception {
        CompletableFuture<PushTransport> bound = new CompletableFuture<>();
        connector.bind(channel, bound::complete, bound::completeExceptionally);
        return bound.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aFastCgiSocketIsCarriedByTheSelectorAndNeverCountedAsAClient() throws Exception {
        List<SelectableChannel> heard = new CopyOnWriteArrayList<>();
        SelectorManager.AcceptListener counter = new SelectorManager.AcceptListener() {
            @Override
            public void onAccepting(SelectableChannel channel) { heard.add(channel); }

            @Override
            public void onAccepted(SelectableChannel channel) { heard.add(channel); }

            @Override
            public void onAcceptFailed(SelectableChannel channel, Throwable cause) { heard.add(channel); }
        };
        try (Rig rig = Rig.start(0, counter);
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel ours = SocketChannel.open(listener.getLocalAddress());
             SocketChannel app = listener.accept()) {
            SiteConnector connector = rig.connector();
            ours.configureBlocking(false);
            PushTransport t = bind(connector, ours);

            CompletableFuture<Void> readable = new CompletableFuture<>();
            t.demand(() -> readable.complete(null));
            app.write(ByteBuffer.wrap("hi".getBytes(StandardCharsets.US_ASCII)));
            readable.get(5, TimeUnit.SECONDS);
            ByteBuffer in = ByteBuffer.allocate(16);
            assertThat(t.read(in)).isEqualTo(2);

            CompletableFuture<IOException> written = new CompletableFuture<>();
            t.write(new ByteBuffer[] {ByteBuffer.wrap("o".getBytes(StandardCharsets.US_ASCII)),
                    ByteBuffer.wrap("k".getBytes(StandardCharsets.US_ASCII))}, written::complete);
            assertThat(written.get(5, TimeUnit.SECONDS)).isNull();
            ByteBuffer out = ByteBuffer.allocate(2);
            while (out.hasRemaining()) app.read(out);
            assertThat(new String(out.array(), StandardCharsets.US_ASCII)).isEqualTo("ok");

            CompletableFuture<Void> told = new CompletableFuture<>();
            t.demand(() -> told.complete(null));
            t.close();
            told.get(5, TimeUnit.SECONDS);                 // a pending demand learns of the close: its read fails
            assertThat(ours.isOpen()).isFalse();
            assertThat(heard).as("the accept listeners count clients only").isEmpty();
        }
    }

    /**
     * The regression: Jetty's ConnectionLimit counted each FastCGI socket as a connection being accepted, forever; with
     * a limit of 1, two php-fpm connections made (and closed) stopped the server accepting any client.
     */
    @Test
    void fastCgiSocketsDoNotUseUpTheConnectionLimit() throws Exception {
        try (Rig rig = Rig.start(1);
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            SiteConnector connector = rig.connector();
            for (int i = 0; i < 3; i++) {
                SocketChannel ours = SocketChannel.open(listener.getLocalAddress());
                try (SocketChannel app = listener.accept()) {
                    ours.configureBlocking(false);
                    bind(connector, ours).close();
                }
            }
            try (java.net.Socket client = new java.net.Socket("127.0.0.1", connector.getLocalPort())) {
                client.setSoTimeout(5000);
                client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String status = new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertThat(status).as("a client is still accepted").startsWith("HTTP/1.1 404");
            }
        }
    }

    /**
     * While the server stops, Jetty gives every endpoint a short idle timeout and waits for them all to close: a kept,
     * unused php-fpm connection closes then (it made every stop a second slower), one carrying a request never does.
     */
    @Test
    void aStoppingServersIdleTimeoutClosesAKeptConnectionButNeverOneInUse() throws Exception {
        try (Rig rig = Rig.start(0);
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel inUse = SocketChannel.open(listener.getLocalAddress());
             SocketChannel kept = SocketChannel.open(listener.getLocalAddress())) {
            for (SocketChannel ch : List.of(inUse, kept)) {
                ch.configureBlocking(false);
                FastCgiChannel t = (FastCgiChannel) bind(rig.connector(), ch);
                t.idle(ch == kept);
                t.getEndPoint().setIdleTimeout(100);       // as Jetty's graceful stop does
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (kept.isOpen() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(kept.isOpen()).as("the kept connection is closed").isFalse();
            Thread.sleep(300);
            assertThat(inUse.isOpen()).as("the one carrying a request is not").isTrue();
        }
    }
}
