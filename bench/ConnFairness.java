import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a server treats its keep-alive connections alike: C connections on one event loop (wrk's shape), each
 * sending GET after GET, every latency kept per connection. A server that serves its ready connections in a fixed
 * order (not the order they became ready) makes the same connections slow again and again; one that is fair spreads
 * its slowest requests over all of them. Prints the overall p50/p99, how the per-connection medians spread, how much
 * of the slowest 1 % the worst tenth of the connections holds, and the correlation of each connection's mean between
 * the run's two halves (near 1: the same connections are slow throughout; near 0: chance).
 *
 * <p>Usage: {@code java bench/ConnFairness.java URL CONNECTIONS SECONDS [WARM_SECONDS]}
 */
public final class ConnFairness {
    static final class Conn {
        SocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long sentAt;
        final long[] lat = new long[1 << 20];
        final long[] at = new long[1 << 20];
        int n;

        Conn(SocketChannel ch) { this.ch = ch; }
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int c = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        double warm = args.length > 3 ? Double.parseDouble(args[3]) : 2;
        byte[] request = ("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Selector selector = Selector.open();
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
            ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            Conn k = new Conn(ch);
            ch.register(selector, SelectionKey.OP_READ, k);
            conns.add(k);
        }
        long start = System.nanoTime();
        long measureFrom = start + (long) (warm * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        for (Conn k : conns) send(k, request);
        while (System.nanoTime() < end) {
            selector.select(key -> {                   // the ready keys in the kernel's order, not a HashSet's
                Conn k = (Conn) key.attachment();
                try {
                    int r;
                    try {
                        r = k.ch.read(k.in);
                    } catch (IOException reset) {
                        r = -1;
                    }
                    if (r < 0) {                       // nginx closes after keepalive_requests (1000): as wrk, reconnect
                        key.cancel();
                        k.ch.close();
                        k.ch = SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
                        k.ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                        k.ch.configureBlocking(false);
                        k.ch.register(selector, SelectionKey.OP_READ, k);
                        k.in.clear();
                        send(k, request);
                        k.sentAt = 0;
                        return;
                    }
                    if (complete(k.in)) {
                        long now = System.nanoTime();
                        if (k.sentAt >= measureFrom && k.sentAt > 0 && k.n < k.lat.length) {
                            k.lat[k.n] = now - k.sentAt;
                            k.at[k.n++] = k.sentAt;
                        }
                        k.in.clear();
                        send(k, request);
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, 100);
        }
        for (Conn k : conns) k.ch.close();
        report(conns, measureFrom, end);
    }

    static void send(Conn k, byte[] request) throws IOException {
        k.sentAt = System.nanoTime();
        ByteBuffer b = ByteBuffer.wrap(request);
        while (b.hasRemaining()) k.ch.write(b);
    }

    /** A whole response: the head, then Content-Length bytes or a chunked body's last chunk. */
    static boolean complete(ByteBuffer in) {
        byte[] a = in.array();
        int len = in.position();
        String s = new String(a, 0, len, StandardCharsets.ISO_8859_1);
        int headEnd = s.indexOf("\r\n\r\n");
        if (headEnd < 0) return false;
        String head = s.substring(0, headEnd).toLowerCase();
        int cl = head.indexOf("\r\ncontent-length:");
        if (cl >= 0) {
            int e = head.indexOf("\r\n", cl + 2);
            long n = Long.parseLong(head.substring(cl + 17, e < 0 ? head.length() : e).trim());
            return len - (headEnd + 4) >= n;
        }
        return s.endsWith("\r\n0\r\n\r\n");
    }

    static void report(List<Conn> conns, long from, long to) {
        int total = 0;
        for (Conn k : conns) total += k.n;
        long[] all = new long[total];
        int i = 0;
        for (Conn k : conns) { System.arraycopy(k.lat, 0, all, i, k.n); i += k.n; }
        Arrays.sort(all);
        long p99 = all[(int) (total * 0.99)];
        System.out.printf("requests %d (%.0f/s), p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%n", total,
                total / ((to - from) / 1e9), all[total / 2] / 1e6, p99 / 1e6, all[(int) (total * 0.999)] / 1e6);
        double[] medians = new double[conns.size()];
        int[] slow = new int[conns.size()];
        double[] firstHalf = new double[conns.size()];
        double[] secondHalf = new double[conns.size()];
        long mid = from + (to - from) / 2;
        for (int j = 0; j < conns.size(); j++) {
            Conn k = conns.get(j);
            long[] l = Arrays.copyOf(k.lat, k.n);
            long s1 = 0, s2 = 0;
            int n1 = 0, n2 = 0;
            for (int q = 0; q < k.n; q++) {
                if (k.lat[q] > p99) slow[j]++;
                if (k.at[q] < mid) { s1 += k.lat[q]; n1++; } else { s2 += k.lat[q]; n2++; }
            }
            firstHalf[j] = n1 == 0 ? 0 : (double) s1 / n1;
            secondHalf[j] = n2 == 0 ? 0 : (double) s2 / n2;
            Arrays.sort(l);
            medians[j] = l.length == 0 ? 0 : l[l.length / 2] / 1e6;
        }
        double[] m = medians.clone();
        Arrays.sort(m);
        System.out.printf("per-connection medians: min %.2f, p10 %.2f, median %.2f, p90 %.2f, max %.2f ms%n",
                m[0], m[m.length / 10], m[m.length / 2], m[m.length * 9 / 10], m[m.length - 1]);
        int[] sl = slow.clone();
        Arrays.sort(sl);
        int slowAll = 0, slowTop = 0;
        for (int v : sl) slowAll += v;
        for (int q = sl.length - Math.max(1, sl.length / 10); q < sl.length; q++) slowTop += sl[q];
        System.out.printf("slowest 1 %%: %d requests, the worst tenth of the connections holds %.0f %% of them%n",
                slowAll, slowAll == 0 ? 0 : 100.0 * slowTop / slowAll);
        System.out.printf("correlation of a connection's mean, first half against second: %.2f%n",
                correlation(firstHalf, secondHalf));
    }

    static double correlation(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElse(0), mb = Arrays.stream(b).average().orElse(0);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
