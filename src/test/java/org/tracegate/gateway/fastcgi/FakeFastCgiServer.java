package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.tracegate.gateway.fastcgi.FastCgiRecord.EndRequest;
import org.tracegate.gateway.fastcgi.FastCgiRecord.Stream;

/**
 * A hand-written FastCGI server for tests: each accepted connection runs the test's script on its own
 * thread, which reads our records with our decoder and sends whatever bytes the test wants, valid or not.
 * Closing it stops accepting, closes every connection and fails with the first script error.
 */
final class FakeFastCgiServer implements AutoCloseable {

    interface Script {
        void run(Peer peer) throws Exception;
    }

    private final ServerSocketChannel listener;
    private final FastCgiAddress address;
    private final Script script;
    private final Thread acceptor;
    private final List<Thread> handlers = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closing;

    private FakeFastCgiServer(ServerSocketChannel listener, FastCgiAddress address, Script script) {
        this.listener = listener;
        this.address = address;
        this.script = script;
        this.acceptor = Thread.ofPlatform().daemon().name("fake-fcgi-accept").start(this::accept);
    }

    static FakeFastCgiServer unix(Path dir, Script script) throws IOException {
        Path socket = dir.resolve("fake-" + System.nanoTime() + ".sock");
        ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        l.bind(UnixDomainSocketAddress.of(socket));
        return new FakeFastCgiServer(l, new FastCgiAddress.Unix(socket), script);
    }

    static FakeFastCgiServer tcp(Script script) throws IOException {
        ServerSocketChannel l = ServerSocketChannel.open();
        l.bind(new InetSocketAddress("127.0.0.1", 0));
        return new FakeFastCgiServer(l, new FastCgiAddress.Tcp("127.0.0.1",
                ((InetSocketAddress) l.getLocalAddress()).getPort()), script);
    }

    FastCgiAddress address() { return address; }

    int connections() { return connections.get(); }

    private void accept() {
        while (listener.isOpen()) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                return;                                // closed
            }
            connections.incrementAndGet();
            accepted.add(ch);
            handlers.add(Thread.ofPlatform().daemon().name("fake-fcgi-conn").start(() -> {
                try (ch) {
                    script.run(new Peer(ch));
                } catch (java.nio.channels.ClosedChannelException t) {
                    if (!closing) failures.add(t);    // a script still reading when the test closes us ends so
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
    }

    @Override
    public void close() throws Exception {
        closing = true;
        listener.close();
        acceptor.join(5000);
        for (SocketChannel ch : accepted) ch.close();
        for (Thread t : handlers) t.join(5000);
        if (address instanceof FastCgiAddress.Unix u) Files.deleteIfExists(u.path());
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("fake FastCGI server failed", failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    /** One accepted connection, as the server sees it. */
    static final class Peer {
        final SocketChannel channel;
        private final RecordDecoder decoder = new RecordDecoder();
        private final ByteBuffer in = ByteBuffer.allocate(8192).limit(0);

        Peer(SocketChannel channel) { this.channel = channel; }

        /** The next record from the client, or null at EOF. */
        FastCgiRecord read() throws IOException, FastCgiProtocolException {
            while (true) {
                FastCgiRecord r = decoder.next(in);
                if (r != null) return r;
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) return null;
            }
        }

        /** Records up to and including the empty STDIN record (or EOF). */
        List<FastCgiRecord> readRequest() throws IOException, FastCgiProtocolException {
            List<FastCgiRecord> out = new ArrayList<>();
            for (FastCgiRecord r; (r = read()) != null; ) {
                out.add(r);
                if (r instanceof Stream s && s.type() == RecordType.STDIN && s.isEnd()) break;
            }
            return out;
        }

        /** Records up to the end of PARAMS: a server that answers before reading STDIN. */
        List<FastCgiRecord> readParams() throws IOException, FastCgiProtocolException {
            List<FastCgiRecord> out = new ArrayList<>();
            for (FastCgiRecord r; (r = read()) != null; ) {
                out.add(r);
                if (r instanceof Stream s && s.type() == RecordType.PARAMS && s.isEnd()) break;
            }
            return out;
        }

        void send(byte[] raw) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(raw);
            while (b.hasRemaining()) channel.write(b);
        }

        void send(FastCgiRecord... records) throws IOException { send(Wire.encode(records)); }

        void stdout(int id, String text) throws IOException {
            send(new Stream(RecordType.STDOUT, id, text.getBytes(StandardCharsets.ISO_8859_1)));
        }

        void stderr(int id, String text) throws IOException {
            send(new Stream(RecordType.STDERR, id, text.getBytes(StandardCharsets.ISO_8859_1)));
        }

        void end(int id, int appStatus, ProtocolStatus status) throws IOException {
            send(new EndRequest(id, appStatus, status));
        }

        /** Closes with a TCP reset (SO_LINGER 0), as a crashed peer's kernel might. */
        void reset() throws IOException {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.close();
        }
    }
}
