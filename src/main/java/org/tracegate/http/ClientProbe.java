package org.tracegate.http;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.channels.SelectableChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectableChannelEndPoint;
import org.eclipse.jetty.server.Request;
import org.tracegate.process.Errno;

/**
 * Notices a client that went away while its program is still silent. Jetty reads a connection only
 * when a handler asks for content, so a hung program would otherwise run on for a client long gone.
 * Every {@link #PERIOD_MS} ms we peek at the socket ({@code recv(MSG_PEEK|MSG_DONTWAIT)}): 0 means the
 * client closed (as Go's net/http treats a background-read EOF), a reset means it is gone, pending bytes
 * or EAGAIN mean it is still there. Peeking consumes nothing, so pipelined requests are untouched.
 *
 * <p>Needs the socket's descriptor, which the JDK keeps in sun.nio.ch: the launcher and the tests pass
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}. Without it probing is off, and {@link #unavailable}
 * says why, for the server to put in its error log.
 */
final class ClientProbe {
    static final long PERIOD_MS = 250;
    private static final int MSG_PEEK = 0x2, MSG_DONTWAIT = 0x40;

    private static final MethodHandle RECV;
    private static final MethodHandle FD_VAL;
    private static final long ERRNO_OFFSET;
    private static final String UNAVAILABLE;
    private static final Set<Watch> WATCHED = ConcurrentHashMap.newKeySet();

    static {
        MethodHandle recv = null;
        MethodHandle fdVal = null;
        long errnoOffset = 0;
        String unavailable = null;
        try {
            // A method handle, not reflection: the lookup itself fails when sun.nio.ch is not exported to us,
            // so probing is reported off here instead of failing quietly on every request.
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            fdVal = java.lang.invoke.MethodHandles.lookup().findVirtual(selCh, "getFDVal",
                    java.lang.invoke.MethodType.methodType(int.class)).asType(
                    java.lang.invoke.MethodType.methodType(int.class, SelectableChannel.class));
            Linker linker = Linker.nativeLinker();
            var capture = Linker.Option.captureStateLayout();
            errnoOffset = capture.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
            recv = linker.downcallHandle(linker.defaultLookup().find("recv").orElseThrow(),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
                    Linker.Option.captureCallState("errno"));
        } catch (Throwable t) {
            recv = null;
            unavailable = t.toString();
        }
        UNAVAILABLE = unavailable;
        RECV = recv;
        FD_VAL = fdVal;
        ERRNO_OFFSET = errnoOffset;
        if (RECV != null) Thread.ofPlatform().daemon().name("tracegate-client-probe").start(ClientProbe::scan);
    }

    private ClientProbe() {}

    /** Why probing is off (the JDK internals it needs are not exported to us), or null when it works. */
    static String unavailable() { return UNAVAILABLE; }

    /**
     * Starts probing; {@code onGone} runs at most once, on the probe thread. Cancel the returned handle when the
     * request ends. Every watch is in one set that one thread scans each period: arming and cancelling are a set
     * insert and remove. A timer task per request would wake the timer thread once per request (a cancelled task
     * still fires), which at thousands of requests a second was a context switch each.
     */
    static Watch watch(Request request, Runnable onGone) {
        int fd = descriptor(request);
        if (fd < 0) return null;
        Watch w = new Watch(fd, onGone);
        WATCHED.add(w);
        return w;
    }

    /** One request's probe; {@link #cancel()} it when the request is over. */
    static final class Watch {
        private final int fd;
        private final Runnable onGone;
        private final long since = System.nanoTime();

        private Watch(int fd, Runnable onGone) {
            this.fd = fd;
            this.onGone = onGone;
        }

        void cancel() { WATCHED.remove(this); }
    }

    private static void scan() {
        while (true) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watch w : WATCHED) {
                // A watch younger than one period waits for the next scan, as the first probe did with a timer.
                if (now - w.since < TimeUnit.MILLISECONDS.toNanos(PERIOD_MS)) continue;
                if (gone(w.fd) && WATCHED.remove(w)) {
                    try {
                        w.onGone.run();
                    } catch (RuntimeException e) {
                        // the action belongs to the request; a failure of it must not stop probing the others
                    }
                }
            }
        }
    }

    private static int descriptor(Request request) {
        if (RECV == null) return -1;
        EndPoint ep = request.getConnectionMetaData().getConnection().getEndPoint();
        if (!(ep instanceof SelectableChannelEndPoint s)) return -1;
        SelectableChannel ch = s.getChannel();
        try {
            return (int) FD_VAL.invokeExact(ch);
        } catch (Throwable e) {
            return -1; // a channel that is not the JDK's own (ClassCastException)
        }
    }

    private static boolean gone(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment buf = arena.allocate(1);
            long n = (long) RECV.invokeExact(state, fd, buf, 1L, MSG_PEEK | MSG_DONTWAIT);
            if (n > 0) return false;
            if (n == 0) return true;
            int errno = state.get(JAVA_INT, ERRNO_OFFSET);
            return errno != Errno.EAGAIN && errno != Errno.EINTR;
        } catch (Throwable t) {
            return false;
        }
    }
}
