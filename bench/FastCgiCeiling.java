import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A ceiling for bench/fastcgi.sh, not a server: what the JVM can do for hello.php when it does nothing but the
 * bytes. One thread, one selector holding both the HTTP connections and the kept FastCGI connections (nginx's
 * shape: one event loop per core), fixed params, a response head built from the body's length, no parsing
 * beyond finding the ends, no trace, no log, no timeouts, no failures handled. A GET without a body only.
 *
 * <p>Usage: java bench/FastCgiCeiling.java PORT SCRIPT_FILENAME FPM_SOCKET CONNECTIONS
 */
public class FastCgiCeiling {
    private static final class Client {
        SocketChannel channel;
        SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocate(8192);
    }

    private static final class Upstream {
        SocketChannel channel;
        SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocate(65536);
        final ArrayDeque<Client> clients = new ArrayDeque<>(); // in the order their requests were sent
    }

    private static final ArrayDeque<Upstream> idle = new ArrayDeque<>();
    private static final ArrayDeque<Client> waiting = new ArrayDeque<>();
    private static byte[] request;
    private static boolean perRequest;   // 5th argument "per-request": a new connection per request, no KEEP_CONN (nginx's default)
    private static int depth = 1;        // 5th argument "pipelined": up to 2 requests sent ahead on a kept connection
    private static final java.util.List<Upstream> all = new java.util.ArrayList<>();
    private static Path socket;

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        perRequest = args.length > 4 && args[4].equals("per-request");
        if (args.length > 4 && args[4].equals("pipelined")) depth = 2;
        socket = Path.of(args[2]);
        request = fastCgiRequest(args[1]);
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        for (int i = 0; i < (perRequest ? 0 : Integer.parseInt(args[3])); i++) all.add(connect(selector));
        idle.addAll(all);
        while (true) {
            selector.select();
            for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey k = it.next();
                it.remove();
                if (!k.isValid()) continue;
                if (k.isAcceptable()) {
                    SocketChannel c = server.accept();
                    if (c == null) continue;
                    c.configureBlocking(false);
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Client client = new Client();
                    client.channel = c;
                    client.key = c.register(selector, SelectionKey.OP_READ, client);
                } else if (k.attachment() instanceof Client c) {
                    try {
                        readRequest(c);
                    } catch (IOException e) {
                        c.channel.close();
                    }
                } else if (k.attachment() instanceof Upstream u) {
                    readResponse(u);
                }
            }
        }
    }

    private static void readRequest(Client c) throws IOException {
        if (c.channel.read(c.in) < 0) {
            c.channel.close();
            return;
        }
        byte[] b = c.in.array();
        int len = c.in.position();
        for (int i = 3; i < len; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                System.arraycopy(b, i + 1, b, 0, len - i - 1); // a pipelined next request stays
                c.in.position(len - i - 1);
                c.key.interestOps(0);
                Upstream u = perRequest ? connect(c.key.selector()) : depth > 1 ? leastLoaded() : idle.poll();
                if (u == null) waiting.add(c);
                else send(u, c);
                return;
            }
        }
    }

    private static Upstream leastLoaded() {
        Upstream best = null;
        for (Upstream u : all) if (u.clients.size() < depth && (best == null || u.clients.size() < best.clients.size())) best = u;
        return best;
    }

    private static void send(Upstream u, Client c) throws IOException {
        u.clients.add(c);
        u.channel.write(ByteBuffer.wrap(request)); // ~400 bytes into an empty socket buffer: written at once
        u.key.interestOps(SelectionKey.OP_READ);
    }

    /** Gathers records until END_REQUEST, then answers the oldest client sent on {@code u} with STDOUT's body. */
    private static void readResponse(Upstream u) throws IOException {
        if (u.channel.read(u.in) < 0) throw new IOException("php-fpm closed a kept connection");
        ByteBuffer b = u.in.flip();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int consumed = 0;
        while (b.remaining() >= 8) {
            int p = b.position(), type = b.get(p + 1) & 0xff;
            int length = (b.get(p + 4) & 0xff) << 8 | b.get(p + 5) & 0xff, padding = b.get(p + 6) & 0xff;
            if (b.remaining() < 8 + length + padding) break;
            if (type == 6) stdout.write(b.array(), p + 8, length);
            b.position(p + 8 + length + padding);
            if (type == 3) {
                answer(u.clients.poll(), stdout.toByteArray());
                stdout.reset();
                consumed = b.position();
                if (perRequest) {
                    u.key.cancel();
                    u.channel.close();
                    return;
                }
            }
        }
        b.position(consumed);
        b.compact();                       // an unfinished answer (stdout records gathered again next time) stays
        if (u.clients.isEmpty()) u.key.interestOps(0);
        while (u.clients.size() < depth) {
            Client next = waiting.poll();
            if (next == null) break;
            send(u, next);
        }
        if (depth == 1 && u.clients.isEmpty()) idle.add(u);
    }

    private static void answer(Client c, byte[] s) throws IOException {
        int body = 0;
        for (int i = 3; i < s.length; i++) {
            if (s[i] == '\n' && s[i - 1] == '\r' && s[i - 2] == '\n' && s[i - 3] == '\r') {
                body = i + 1;
                break;
            }
        }
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: "
                + (s.length - body) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        if (c.channel.isOpen()) {
            try {
                c.channel.write(new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(s, body, s.length - body)});
                c.key.interestOps(SelectionKey.OP_READ);
            } catch (IOException e) {
                c.channel.close();
            }
        }
        if (c.channel.isOpen() && c.in.position() > 0) readRequest(c);
    }

    private static Upstream connect(Selector selector) throws IOException {
        Upstream u = new Upstream();
        u.channel = SocketChannel.open(UnixDomainSocketAddress.of(socket)); // a unix connect waits only if the backlog is full
        u.channel.configureBlocking(false);
        u.key = u.channel.register(selector, 0, u);
        return u;
    }

    /** BEGIN_REQUEST (responder; KEEP_CONN unless per-request), the params, the empty PARAMS and the empty STDIN. */
    private static byte[] fastCgiRequest(String script) {
        String[][] params = {{"SCRIPT_FILENAME", script}, {"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", "/php/hello.php"},
                {"REQUEST_URI", "/php/hello.php"}, {"QUERY_STRING", ""}, {"SERVER_PROTOCOL", "HTTP/1.1"},
                {"GATEWAY_INTERFACE", "CGI/1.1"}, {"SERVER_NAME", "127.0.0.1"}, {"SERVER_PORT", "80"},
                {"REMOTE_ADDR", "127.0.0.1"}, {"SERVER_SOFTWARE", "ceiling"}, {"HTTP_HOST", "127.0.0.1"}};
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        for (String[] kv : params) {
            byte[] k = kv[0].getBytes(StandardCharsets.UTF_8), v = kv[1].getBytes(StandardCharsets.UTF_8);
            p.write(k.length);
            p.write(v.length);
            p.writeBytes(k);
            p.writeBytes(v);
        }
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        record(r, 1, new byte[] {0, 1, (byte) (perRequest ? 0 : 1), 0, 0, 0, 0, 0});
        record(r, 4, p.toByteArray());
        record(r, 4, new byte[0]);
        record(r, 5, new byte[0]);
        return r.toByteArray();
    }

    private static void record(ByteArrayOutputStream r, int type, byte[] content) {
        r.writeBytes(new byte[] {1, (byte) type, 0, 1, (byte) (content.length >> 8), (byte) content.length, 0, 0});
        r.writeBytes(content);
    }
}
