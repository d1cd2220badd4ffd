package org.tracegate.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A listening unix-domain stream socket the server made for one FastCGI application process: handed to it as its
 * descriptor 0 ({@code FCGI_LISTENSOCK_FILENO}, FastCGI 1.0 §2.2) by {@link LaunchSpec#withListenSocket}, where it
 * accepts the server's connections. Blocking and close-on-exec; no other child inherits it.
 *
 * <p>{@link #close()} closes the server's descriptor only: once the program has its copy, the server keeps none, so
 * that a connect after the program's death fails at once (ECONNREFUSED) instead of waiting in a backlog nobody
 * accepts from. The socket file stays until its owner removes it.
 */
public final class ListeningSocket implements AutoCloseable {
    private final Path path;
    private int fd; // guarded by this; -1 once closed

    private ListeningSocket(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Binds {@code path} (it must not exist; at most 107 bytes) and listens with {@code backlog}.
     *
     * @throws IOException naming the path and the errno, e.g. EADDRINUSE, ENAMETOOLONG, EACCES
     */
    public static ListeningSocket unix(Path path, int backlog) throws IOException {
        NativeLauncher.prepare();
        try {
            return new ListeningSocket(path, Sockets.listenUnix(path.toString().getBytes(StandardCharsets.UTF_8), backlog));
        } catch (Errno e) {
            throw new IOException("cannot listen on " + path + ": " + e.getMessage());
        }
    }

    public Path path() { return path; }

    /** A new close-on-exec descriptor for the same socket, for a launcher to hand to the child and close; -1 when closed. */
    synchronized int duplicate() {
        if (fd < 0) return -1;
        return Libc.fcntl(fd, Libc.F_DUPFD_CLOEXEC, 3);
    }

    /** Whether the server's descriptor is still open. */
    public synchronized boolean isOpen() { return fd >= 0; }

    /** Closes the server's descriptor (idempotent); the socket file is left to its owner. */
    @Override
    public synchronized void close() {
        if (fd >= 0) Libc.close(fd);
        fd = -1;
    }

    @Override
    public String toString() { return "unix:" + path; }
}
