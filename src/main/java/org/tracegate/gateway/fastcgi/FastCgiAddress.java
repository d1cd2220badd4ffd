package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Where a FastCGI server listens; {@link #toString()} is the form operators write and read. */
public sealed interface FastCgiAddress {

    /** An unconnected channel of the right family. */
    SocketChannel openChannel() throws IOException;

    /** The socket address to connect to; a TCP host name is resolved now, each time (it may move). */
    SocketAddress resolve();

    /** {@code unix:/run/php/php8.2-fpm.sock} or {@code tcp:127.0.0.1:9000} ({@code tcp:[::1]:9000}). */
    static FastCgiAddress parse(String text) {
        if (text.startsWith("unix:") && text.length() > 5) return new Unix(Path.of(text.substring(5)));
        if (text.startsWith("tcp:")) {
            String rest = text.substring(4);
            int colon = rest.lastIndexOf(':');
            if (colon > 0) {
                String host = rest.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                try {
                    int port = Integer.parseInt(rest.substring(colon + 1));
                    if (!host.isEmpty() && port >= 1 && port <= 65535) return new Tcp(host, port);
                } catch (NumberFormatException e) {
                    // falls through to the one message below
                }
            }
        }
        throw new IllegalArgumentException("not a FastCGI address (unix:/path or tcp:host:port): " + text);
    }

    record Unix(Path path) implements FastCgiAddress {
        public SocketChannel openChannel() throws IOException { return SocketChannel.open(StandardProtocolFamily.UNIX); }

        public SocketAddress resolve() { return UnixDomainSocketAddress.of(path); }

        @Override
        public String toString() { return "unix:" + path; }
    }

    record Tcp(String host, int port) implements FastCgiAddress {
        public SocketChannel openChannel() throws IOException { return SocketChannel.open(); }

        public SocketAddress resolve() { return new InetSocketAddress(host, port); }

        @Override
        public String toString() { return "tcp:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port; }
    }
}
