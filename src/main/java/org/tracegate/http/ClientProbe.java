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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().daemon().name("tracegate-client-probe").unstarted(r));

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
    }

    private ClientProbe() {}

    /** Why probing is off (the JDK internals it needs are not exported to us), or null when it works. */
    static String unavailable() { return UNAVAILABLE; }

    /** Starts probing; {@code onGone} runs at most once. Cancel the returned handle when the request ends. */
    static ScheduledFuture<?> watch(Request request, Runnable onGone) {
        int fd = descriptor(request);
        if (fd < 0) return null;
        Runnable[] once = {onGone};
        Runnable probe = () -> {
            if (once[0] != null && gone(fd)) {
                Runnable r = once[0];
                once[0] = null;
                r.run();
            }
        };
        return TIMER.scheduleAtFixedRate(probe, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
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
