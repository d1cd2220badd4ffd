package org.tracegate.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The socket calls the spawn helper's connection needs (LP64 layouts, x86-64 and arm64 alike): a
 * {@code socketpair(AF_UNIX, SOCK_SEQPACKET)}, sendmsg with three descriptors as SCM_RIGHTS, recv, poll, shutdown
 * and buffer sizes. Each throws {@link Errno} like {@link Libc}'s wrappers.
 */
final class Sockets {
    private Sockets() {}

    static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = Libc.O_CLOEXEC;
    static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, SO_TYPE = 3, SO_SNDBUF = 7, SO_SNDBUFFORCE = 32, SO_ACCEPTCONN = 30;
    /** sockaddr_un: sa_family_t, then sun_path[108] (with its NUL). */
    static final int SOCKADDR_UN_BYTES = 110, SUN_PATH_MAX = 107;
    static final int MSG_DONTWAIT = 0x40, MSG_TRUNC = 0x20, MSG_NOSIGNAL = 0x4000;
    static final int SHUT_RDWR = 2;
    static final short POLLIN = 0x1;

    /*
     * struct msghdr { void *name; socklen_t namelen; (4 pad) struct iovec *iov; size_t iovlen; void *control;
     *                 size_t controllen; int flags; (4 pad) }                                          56 bytes
     * struct iovec { void *base; size_t len; }                                                          16 bytes
     * struct cmsghdr { size_t len; int level; int type; } then the data, 8-aligned: CMSG_SPACE(3 ints) = 32, CMSG_LEN = 28
     */
    private static final long MSGHDR_BYTES = 56, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32, MSG_CONTROLLEN = 40;
    private static final long CMSG_HEADER = 16, CMSG_SPACE_3 = 32, CMSG_LEN_3 = 28;

    private static final MethodHandle SOCKET = Libc.downcall("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Libc.CAPTURE_ERRNO);
    private static final MethodHandle BIND = Libc.downcall("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), Libc.CAPTURE_ERRNO);
    private static final MethodHandle LISTEN = Libc.downcall("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Libc.CAPTURE_ERRNO);
    private static final MethodHandle SOCKETPAIR = Libc.downcall("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Libc.CAPTURE_ERRNO);
    private static final MethodHandle SENDMSG = Libc.downcall("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), Libc.CAPTURE_ERRNO);
    private static final MethodHandle RECV = Libc.downcall("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), Libc.CAPTURE_ERRNO);
    private static final MethodHandle SHUTDOWN = Libc.downcall("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Libc.CAPTURE_ERRNO);
    private static final MethodHandle SETSOCKOPT = Libc.downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), Libc.CAPTURE_ERRNO);
    private static final MethodHandle GETSOCKOPT = Libc.downcall("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), Libc.CAPTURE_ERRNO);
    /** int poll(struct pollfd *fds, nfds_t n, int timeout); struct pollfd { int fd; short events, revents; } */
    private static final MethodHandle POLL = Libc.downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), Libc.CAPTURE_ERRNO);

    /** Two connected SOCK_SEQPACKET sockets, both close-on-exec. */
    static int[] seqpacketPair() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sv = arena.allocate(JAVA_INT, 2);
            Libc.withErrno("socketpair",
                    c -> (int) SOCKETPAIR.invokeExact(c, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
            return new int[] {sv.getAtIndex(JAVA_INT, 0), sv.getAtIndex(JAVA_INT, 1)};
        }
    }

    /**
     * A listening unix-domain stream socket bound to {@code path} (which must not exist), close-on-exec and blocking:
     * the accept(2) of the program that gets it must block. Returns the descriptor.
     */
    static int listenUnix(byte[] path, int backlog) {
        if (path.length == 0 || path.length > SUN_PATH_MAX) throw new Errno("bind", Errno.ENAMETOOLONG);
        int fd = Libc.withErrno("socket", c -> (int) SOCKET.invokeExact(c, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_UN_BYTES, 2); // zero-filled: the path's NUL
            addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(path, 0, addr, java.lang.foreign.ValueLayout.JAVA_BYTE, 2, path.length);
            Libc.withErrno("bind", c -> (int) BIND.invokeExact(c, fd, addr, SOCKADDR_UN_BYTES));
            Libc.withErrno("listen", c -> (int) LISTEN.invokeExact(c, fd, backlog));
            return fd;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** getsockopt(SOL_SOCKET, option) as an int. */
    static int intOption(int fd, int option) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocateFrom(JAVA_INT, 4);
            Libc.withErrno("getsockopt", c -> (int) GETSOCKOPT.invokeExact(c, fd, SOL_SOCKET, option, v, len));
            return v.get(JAVA_INT, 0);
        }
    }

    /**
     * Sends one message with three descriptors attached (SCM_RIGHTS: the receiver gets its own copies). Never blocks
     * (MSG_DONTWAIT: EAGAIN when the socket's buffer is full) and never raises SIGPIPE (EPIPE instead).
     */
    static void sendWithFds(int fd, MemorySegment message, int fd0, int fd1, int fd2) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, message);
            iov.set(JAVA_LONG, 8, message.byteSize());
            MemorySegment control = arena.allocate(CMSG_SPACE_3, 8);
            control.set(JAVA_LONG, 0, CMSG_LEN_3);
            control.set(JAVA_INT, 8, SOL_SOCKET);
            control.set(JAVA_INT, 12, SCM_RIGHTS);
            control.set(JAVA_INT, CMSG_HEADER, fd0);
            control.set(JAVA_INT, CMSG_HEADER + 4, fd1);
            control.set(JAVA_INT, CMSG_HEADER + 8, fd2);
            MemorySegment msg = arena.allocate(MSGHDR_BYTES, 8);
            msg.set(ADDRESS, MSG_IOV, iov);
            msg.set(JAVA_LONG, MSG_IOVLEN, 1);
            msg.set(ADDRESS, MSG_CONTROL, control);
            msg.set(JAVA_LONG, MSG_CONTROLLEN, CMSG_SPACE_3);
            long sent = withErrnoLong("sendmsg",
                    c -> (long) SENDMSG.invokeExact(c, fd, msg, MSG_DONTWAIT | MSG_NOSIGNAL));
            if (sent != message.byteSize()) throw new IllegalStateException("sendmsg sent " + sent + " bytes of a packet");
        }
    }

    /**
     * Receives one message into {@code buffer}, blocking (platform threads only). Returns its full length (larger
     * than the buffer when it was cut: MSG_TRUNC), or 0 at EOF.
     */
    static long recv(int fd, MemorySegment buffer, MemorySegment capture) {
        try {
            long n = (long) RECV.invokeExact(capture, fd, buffer, buffer.byteSize(), MSG_TRUNC);
            if (n < 0) throw new Errno("recv", Libc.errno(capture));
            return n;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("recv", t);
        }
    }

    /** Waits up to {@code millis} for {@code fd} to be readable (or hung up); false on timeout. */
    static boolean awaitReadable(int fd, int millis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(8, 4);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(JAVA_SHORT, 4, POLLIN);
            return Libc.withErrno("poll", c -> (int) POLL.invokeExact(c, pfd, 1L, millis)) > 0;
        }
    }

    static void shutdown(int fd) {
        try {
            Libc.withErrno("shutdown", c -> (int) SHUTDOWN.invokeExact(c, fd, SHUT_RDWR));
        } catch (Errno e) {
            // ENOTCONN: the peer is gone already
        }
    }

    /** Asks for a send buffer of {@code bytes} (beyond net.core.wmem_max only with CAP_NET_ADMIN); returns what the kernel set. */
    static int enlargeSendBuffer(int fd, int bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, bytes);
            try {
                Libc.withErrno("setsockopt", c -> (int) SETSOCKOPT.invokeExact(c, fd, SOL_SOCKET, SO_SNDBUFFORCE, v, 4));
            } catch (Errno noCapability) {
                Libc.withErrno("setsockopt", c -> (int) SETSOCKOPT.invokeExact(c, fd, SOL_SOCKET, SO_SNDBUF, v, 4));
            }
            MemorySegment len = arena.allocateFrom(JAVA_INT, 4);
            Libc.withErrno("getsockopt", c -> (int) GETSOCKOPT.invokeExact(c, fd, SOL_SOCKET, SO_SNDBUF, v, len));
            return v.get(JAVA_INT, 0);
        }
    }

    @FunctionalInterface
    private interface LongCall {
        long invoke(MemorySegment capture) throws Throwable;
    }

    private static long withErrnoLong(String name, LongCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = Libc.allocateCapture(arena);
            long r = call.invoke(capture);
            if (r == -1) throw new Errno(name, Libc.errno(capture));
            return r;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name, t);
        }
    }
}
