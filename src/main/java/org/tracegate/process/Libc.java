package org.tracegate.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The glibc calls the native launcher needs, as FFM downcalls (Linux, x86-64 and arm64 LP64 layouts).
 * Loading this class fails (ExceptionInInitializerError) when a symbol is missing or native access is
 * denied; {@link Launchers} probes it and falls back to ProcessBuilder.
 *
 * <p>Every wrapper that can fail with errno throws {@link Errno}; errno is captured by the linker right
 * after the call because the JVM may clobber the thread's errno before Java code runs again.
 * Only {@link #epollWait} blocks, and only the reaper's platform thread calls it: a blocking downcall on a
 * virtual thread would pin its carrier.
 */
final class Libc {
    private Libc() {}

    // glibc constants (asm-generic values, same on x86-64 and arm64).
    static final int O_CLOEXEC = 0x80000;
    static final int EPOLL_CLOEXEC = O_CLOEXEC;
    static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    static final int EPOLLIN = 0x1;
    static final int WNOHANG = 1, WEXITED = 4, WNOWAIT = 0x01000000, P_ALL = 0;
    static final int PR_SET_CHILD_SUBREAPER = 36;
    static final int O_NONBLOCK = 0x800, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
    static final short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final long SYS_PIDFD_OPEN = 434; // same number on every architecture (added in 5.3)
    private static final long SYS_PIDFD_SEND_SIGNAL = 424; // likewise (5.1)

    // Opaque glibc structs: we only need room for them. Real sizes on x86-64 are 80 (file actions),
    // 336 (attr) and 128 (sigset_t); 512 leaves a margin should a future glibc grow them.
    static final MemoryLayout SPAWN_FILE_ACTIONS = MemoryLayout.sequenceLayout(64, JAVA_LONG);
    static final MemoryLayout SPAWN_ATTR = MemoryLayout.sequenceLayout(64, JAVA_LONG);
    static final MemoryLayout SIGSET = MemoryLayout.sequenceLayout(16, JAVA_LONG);

    /** struct timeval { time_t tv_sec; suseconds_t tv_usec; } */
    private static final StructLayout TIMEVAL =
            MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));

    /** struct rusage: two timevals, then 14 longs of which we read the first (ru_maxrss, in KiB). */
    static final StructLayout RUSAGE = MemoryLayout.structLayout(
            TIMEVAL.withName("ru_utime"), TIMEVAL.withName("ru_stime"), JAVA_LONG.withName("ru_maxrss"),
            MemoryLayout.paddingLayout(13 * 8));
    static final long RU_UTIME = RUSAGE.byteOffset(MemoryLayout.PathElement.groupElement("ru_utime"));
    static final long RU_STIME = RUSAGE.byteOffset(MemoryLayout.PathElement.groupElement("ru_stime"));
    static final long RU_MAXRSS = RUSAGE.byteOffset(MemoryLayout.PathElement.groupElement("ru_maxrss"));
    static final long TV_USEC = TIMEVAL.byteOffset(MemoryLayout.PathElement.groupElement("tv_usec"));

    /**
     * struct epoll_event is packed on x86-64 (12 bytes: the 64-bit data sits at offset 4), but naturally
     * aligned (16 bytes) on arm64, like every other architecture.
     */
    static final StructLayout EPOLL_EVENT = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"))
            ? MemoryLayout.structLayout(JAVA_INT.withName("events"), JAVA_LONG.withByteAlignment(1).withName("data"))
            : MemoryLayout.structLayout(JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4),
                    JAVA_LONG.withName("data"));
    static final long EPOLL_EVENT_DATA = EPOLL_EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = lookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle PIPE2 = errnoCall("pipe2", JAVA_INT, ADDRESS, JAVA_INT);
    /** int fcntl(int fd, int cmd, ...): the third argument (an int here) is variadic. */
    private static final MethodHandle FCNTL = LINKER.downcallHandle(symbol("fcntl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));
    static final int F_SETPIPE_SZ = 1031;
    private static final MethodHandle CLOSE = plainCall("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle STRERROR = plainCall("strerror", ADDRESS, JAVA_INT);
    private static final MethodHandle FA_INIT = plainCall("posix_spawn_file_actions_init", JAVA_INT, ADDRESS);
    private static final MethodHandle FA_DESTROY = plainCall("posix_spawn_file_actions_destroy", JAVA_INT, ADDRESS);
    private static final MethodHandle FA_DUP2 =
            plainCall("posix_spawn_file_actions_adddup2", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle FA_CHDIR =
            plainCall("posix_spawn_file_actions_addchdir_np", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle FA_CLOSEFROM =
            plainCall("posix_spawn_file_actions_addclosefrom_np", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle ATTR_INIT = plainCall("posix_spawnattr_init", JAVA_INT, ADDRESS);
    private static final MethodHandle ATTR_DESTROY = plainCall("posix_spawnattr_destroy", JAVA_INT, ADDRESS);
    private static final MethodHandle ATTR_FLAGS = plainCall("posix_spawnattr_setflags", JAVA_INT, ADDRESS, JAVA_SHORT);
    private static final MethodHandle ATTR_PGROUP = plainCall("posix_spawnattr_setpgroup", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle ATTR_SIGMASK = plainCall("posix_spawnattr_setsigmask", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle ATTR_SIGDEF = plainCall("posix_spawnattr_setsigdefault", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle SIGEMPTYSET = plainCall("sigemptyset", JAVA_INT, ADDRESS);
    private static final MethodHandle SIGADDSET = plainCall("sigaddset", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle POSIX_SPAWN =
            plainCall("posix_spawn", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle KILL = errnoCall("kill", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle WAIT4 = errnoCall("wait4", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_CREATE1 = errnoCall("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL = errnoCall("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_WAIT = errnoCall("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle WRITE = errnoCall("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle FSTAT = errnoCall("fstat", JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle GETPGRP = plainCall("getpgrp", JAVA_INT);
    /** int prctl(int option, ...): four variadic unsigned longs, as the kernel reads them. */
    private static final MethodHandle PRCTL = LINKER.downcallHandle(symbol("prctl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    private static final MethodHandle WAITID = errnoCall("waitid", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    /**
     * long syscall(long number, ...) with four variadic longs (pass 0 for unused ones: the kernel reads every
     * register it defines): raw system calls without a glibc wrapper, and the credential calls whose glibc
     * wrappers would change every thread (see {@link CredentialSwitch}).
     */
    static final MethodHandle SYSCALL = LINKER.downcallHandle(symbol("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    /** struct stat is 144 bytes on x86-64 and 128 on arm64; st_ino sits at offset 8 on both. */
    private static final long STAT_BYTES = 256, ST_INO = 8;
    /** siginfo_t is 128 bytes; si_pid sits at offset 16 on LP64. */
    static final long SIGINFO_BYTES = 128, SI_PID = 16;

    /** pidfd_open(pid, flags): the glibc wrapper (2.36+), else syscall(434, pid, flags); both return int-sized fds. */
    private static final MethodHandle PIDFD_OPEN = pidfdOpen();

    private static SymbolLookup lookup() {
        SymbolLookup defaults = LINKER.defaultLookup();
        // The default lookup has libc on Linux; libc.so.6 by name is the fallback for odd JVM builds.
        return name -> defaults.find(name).or(() -> LibcByName.LOOKUP.find(name));
    }

    /** Holder so libc.so.6 is only dlopen()ed if the default lookup misses a symbol. */
    private static final class LibcByName {
        static final SymbolLookup LOOKUP = SymbolLookup.libraryLookup("libc.so.6", Arena.global());
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** A downcall handle for a libc function, for the classes that keep their own (UserDatabase, Prlimit). */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    /** The errno capture option and layout, for handles made with {@link #downcall}. */
    static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static MemorySegment allocateCapture(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static MethodHandle plainCall(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(result, args));
    }

    /** The handle takes a capture segment as its first argument, then the C arguments. */
    private static MethodHandle errnoCall(String name, MemoryLayout result, MemoryLayout... args) {
        return LINKER.downcallHandle(symbol(name), FunctionDescriptor.of(result, args),
                Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle pidfdOpen() {
        Optional<MemorySegment> wrapper = LIBC.find("pidfd_open");
        if (wrapper.isPresent()) {
            return LINKER.downcallHandle(wrapper.get(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
                    Linker.Option.captureCallState("errno"));
        }
        // long syscall(long number, ...): variadic arguments are passed as longs, as the kernel reads them.
        MethodHandle syscall = LINKER.downcallHandle(symbol("syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
        try {
            // Adapt to (MemorySegment capture, int pid, int flags) -> int like the wrapper.
            var lookup = java.lang.invoke.MethodHandles.lookup();
            MethodHandle adapt = lookup.findStatic(Libc.class, "syscallPidfdOpen",
                    java.lang.invoke.MethodType.methodType(int.class, MethodHandle.class, MemorySegment.class,
                            int.class, int.class));
            return java.lang.invoke.MethodHandles.insertArguments(adapt, 0, syscall);
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("pidfd_open adapter", e);
        }
    }

    @SuppressWarnings("unused") // bound by pidfdOpen()
    private static int syscallPidfdOpen(MethodHandle syscall, MemorySegment capture, int pid, int flags) throws Throwable {
        return (int) (long) syscall.invokeExact(capture, SYS_PIDFD_OPEN, (long) pid, (long) flags);
    }

    // ---- wrappers ---------------------------------------------------------------------------------------

    /** Calls {@code call} with a fresh errno capture segment; -1 becomes {@link Errno}. */
    static int withErrno(String name, ErrnoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int r = call.invoke(capture);
            if (r == -1) throw new Errno(name, (int) ERRNO.get(capture, 0L));
            return r;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name, t);
        }
    }

    @FunctionalInterface
    interface ErrnoCall {
        int invoke(MemorySegment capture) throws Throwable;
    }

    /** Calls a function that returns 0 or an error number (the posix_spawn family). */
    private static int plain(String name, PlainCall call) {
        try {
            return call.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name, t);
        }
    }

    @FunctionalInterface
    private interface PlainCall {
        int invoke() throws Throwable;
    }

    /** Throws for a non-zero result of a function that returns its error number instead of setting errno. */
    private static void check(String name, int rc) {
        if (rc != 0) throw new Errno(name, rc);
    }

    static void pipe2(MemorySegment fds, int flags) {
        withErrno("pipe2", c -> (int) PIPE2.invokeExact(c, fds, flags));
    }

    /** fcntl(fd, cmd, arg) for an int argument; returns the result or throws {@link Errno}. */
    static int fcntl(int fd, int cmd, int arg) {
        return withErrno("fcntl", c -> (int) FCNTL.invokeExact(c, fd, cmd, arg));
    }

    /** close(2); errors are ignored: every caller owns the fd and is done with it (Linux always frees it). */
    static void close(int fd) {
        if (fd < 0) return;
        plain("close", () -> (int) CLOSE.invokeExact(fd));
    }

    static String strerror(int errno) {
        // glibc returns a static string for known numbers and a thread-local buffer otherwise; we copy at once.
        MemorySegment s = (MemorySegment) plainObject(() -> (MemorySegment) STRERROR.invokeExact(errno));
        return s.reinterpret(1024).getString(0);
    }

    private static Object plainObject(ObjectCall call) {
        try {
            return call.invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("strerror", t);
        }
    }

    @FunctionalInterface
    private interface ObjectCall {
        Object invoke() throws Throwable;
    }

    static void fileActionsInit(MemorySegment fa) {
        check("posix_spawn_file_actions_init", plain("fa_init", () -> (int) FA_INIT.invokeExact(fa)));
    }

    static void fileActionsDestroy(MemorySegment fa) {
        plain("fa_destroy", () -> (int) FA_DESTROY.invokeExact(fa));
    }

    static void fileActionsDup2(MemorySegment fa, int fd, int newFd) {
        check("posix_spawn_file_actions_adddup2", plain("fa_dup2", () -> (int) FA_DUP2.invokeExact(fa, fd, newFd)));
    }

    static void fileActionsChdir(MemorySegment fa, MemorySegment path) {
        check("posix_spawn_file_actions_addchdir_np", plain("fa_chdir", () -> (int) FA_CHDIR.invokeExact(fa, path)));
    }

    static void fileActionsCloseFrom(MemorySegment fa, int from) {
        check("posix_spawn_file_actions_addclosefrom_np",
                plain("fa_closefrom", () -> (int) FA_CLOSEFROM.invokeExact(fa, from)));
    }

    static void attrInit(MemorySegment attr) {
        check("posix_spawnattr_init", plain("attr_init", () -> (int) ATTR_INIT.invokeExact(attr)));
    }

    static void attrDestroy(MemorySegment attr) {
        plain("attr_destroy", () -> (int) ATTR_DESTROY.invokeExact(attr));
    }

    static void attrFlags(MemorySegment attr, short flags) {
        check("posix_spawnattr_setflags", plain("attr_flags", () -> (int) ATTR_FLAGS.invokeExact(attr, flags)));
    }

    static void attrPgroup(MemorySegment attr, int pgroup) {
        check("posix_spawnattr_setpgroup", plain("attr_pgroup", () -> (int) ATTR_PGROUP.invokeExact(attr, pgroup)));
    }

    static void attrSigmask(MemorySegment attr, MemorySegment set) {
        check("posix_spawnattr_setsigmask", plain("attr_sigmask", () -> (int) ATTR_SIGMASK.invokeExact(attr, set)));
    }

    static void attrSigdefault(MemorySegment attr, MemorySegment set) {
        check("posix_spawnattr_setsigdefault", plain("attr_sigdef", () -> (int) ATTR_SIGDEF.invokeExact(attr, set)));
    }

    static void sigemptyset(MemorySegment set) {
        plain("sigemptyset", () -> (int) SIGEMPTYSET.invokeExact(set));
    }

    static void sigaddset(MemorySegment set, int signal) {
        plain("sigaddset", () -> (int) SIGADDSET.invokeExact(set, signal));
    }

    /** Returns 0 or the error number (glibc >= 2.24 reports the exec failure of the child here). */
    static int posixSpawn(MemorySegment pid, MemorySegment path, MemorySegment fa, MemorySegment attr,
                          MemorySegment argv, MemorySegment envp) {
        return plain("posix_spawn", () -> (int) POSIX_SPAWN.invokeExact(pid, path, fa, attr, argv, envp));
    }

    static void kill(int pid, int signal) {
        withErrno("kill", c -> (int) KILL.invokeExact(c, pid, signal));
    }

    /** wait4(2): the pid, 0 with WNOHANG while it runs; fills the wait status and rusage. */
    static int wait4(int pid, MemorySegment status, int options, MemorySegment rusage) {
        return withErrno("wait4", c -> (int) WAIT4.invokeExact(c, pid, status, options, rusage));
    }

    static int pidfdOpen(int pid) {
        return withErrno("pidfd_open", c -> (int) PIDFD_OPEN.invokeExact(c, pid, 0));
    }

    static int epollCreate1(int flags) {
        return withErrno("epoll_create1", c -> (int) EPOLL_CREATE1.invokeExact(c, flags));
    }

    static void epollCtl(int epfd, int op, int fd, MemorySegment event) {
        withErrno("epoll_ctl", c -> (int) EPOLL_CTL.invokeExact(c, epfd, op, fd, event));
    }

    /** Blocks: call it only from a platform thread. */
    static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        return withErrno("epoll_wait", c -> (int) EPOLL_WAIT.invokeExact(c, epfd, events, maxEvents, timeoutMillis));
    }

    /** write(2) of the whole segment; returns the bytes written (a pipe write of up to PIPE_BUF is all or nothing). */
    static int write(int fd, MemorySegment bytes) {
        return withErrno("write", c -> (int) (long) WRITE.invokeExact(c, fd, bytes, bytes.byteSize()));
    }

    /** The inode number of an open descriptor (for a pipe: the pipe's, the same for both ends). */
    static long inode(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(STAT_BYTES, 8);
            withErrno("fstat", c -> (int) FSTAT.invokeExact(c, fd, st));
            return st.get(JAVA_LONG, ST_INO);
        }
    }

    static int getpgrp() {
        return plain("getpgrp", () -> (int) GETPGRP.invokeExact());
    }

    static void prctl(int option, long arg2) {
        withErrno("prctl", c -> (int) PRCTL.invokeExact(c, option, arg2, 0L, 0L, 0L));
    }

    /**
     * waitid(P_ALL, WEXITED | WNOHANG | WNOWAIT): the pid of some child that has exited, without reaping it,
     * or 0 when none has (or there are no children at all).
     */
    static int peekExitedChild(MemorySegment siginfo) {
        siginfo.fill((byte) 0); // with WNOHANG and nothing waitable, the kernel leaves si_pid as it was
        try {
            withErrno("waitid", c -> (int) WAITID.invokeExact(c, P_ALL, 0, siginfo, WEXITED | WNOHANG | WNOWAIT));
        } catch (Errno e) {
            if (e.errno() == Errno.ECHILD || e.errno() == Errno.EINTR) return 0;
            throw e;
        }
        return siginfo.get(JAVA_INT, SI_PID);
    }

    /** pidfd_send_signal(2): signals exactly the process the pidfd names, never a later holder of its pid. */
    static void pidfdSendSignal(int pidfd, int signal) {
        withErrno("pidfd_send_signal", c -> (int) (long) SYSCALL.invokeExact(c, SYS_PIDFD_SEND_SIGNAL,
                (long) pidfd, (long) signal, 0L, 0L)); // no siginfo, no flags
    }
}
