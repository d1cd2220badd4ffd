package org.tracegate.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Raw sockets for the connection-side tests: from a chosen loopback address, and a small response reader. */
final class SocketClients {
    private SocketClients() {}

    /** A socket to the server bound to {@code localAddress} (Linux routes all of 127/8 to lo). */
    static Socket from(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** One response (head and body, by Content-Length, chunked, or to EOF) as text. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = readLine(in, out);
        long length = -1;
        boolean chunked = false;
        for (String line = head; !line.isEmpty(); line = readLine(in, out)) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) length = Long.parseLong(lower.substring(15).trim());
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
        }
        if (chunked) {
            while (true) {
                String size = readLine(in, out);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (!readLine(in, out).isEmpty()) { /* trailers */ }
                    break;
                }
                out.write(in.readNBytes(n));
                readLine(in, out);
            }
        } else if (length >= 0) {
            out.write(in.readNBytes((int) length));
        } else {
            out.write(in.readAllBytes());
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readLine(InputStream in, ByteArrayOutputStream copy) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            copy.write(c);
            if (c == '\n') break;
            if (c != '\r') sb.append((char) c);
        }
        if (c == -1 && sb.isEmpty()) throw new IOException("connection closed");
        return sb.toString();
    }

    /**
     * What a socket says within {@code millis}: null if nothing (still open, silent), else what it sent until
     * it closed ("" for a plain close, "reset" for a reset).
     */
    static String poll(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            return "reset";
        }
    }

    /** Open descriptors of this process. */
    static long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
