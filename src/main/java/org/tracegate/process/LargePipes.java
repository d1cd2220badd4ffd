package org.tracegate.process;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enlarges programs' stdout pipes (F_SETPIPE_SZ) from the default 64 KiB to {@link #BYTES}: a 1 GiB response
 * streamed 5–8 % faster with 256 KiB pipes and 256 KiB relay reads (bench/README.md), since each wake-up of
 * the relay then moves more. Bounded to {@link #MAX_AT_ONCE} programs at once: pipe pages count against the
 * user's pipe-user-pages-soft (64 MiB by default), and a user over it gets 8 KiB pipes for everything it
 * opens; 32 × 256 KiB stays at an eighth of that. Beyond the bound, or when the kernel refuses, the pipe simply
 * keeps its default size.
 */
final class LargePipes {
    static final int BYTES = 256 * 1024;
    static final int MAX_AT_ONCE = 32;
    private static final AtomicInteger IN_USE = new AtomicInteger();

    private LargePipes() {}

    /** Tries to enlarge the pipe of {@code fd}; true if it now holds a share, to be given back by {@link #release()}. */
    static boolean enlarge(int fd) {
        if (IN_USE.incrementAndGet() > MAX_AT_ONCE) {
            IN_USE.decrementAndGet();
            return false;
        }
        try {
            Libc.fcntl(fd, Libc.F_SETPIPE_SZ, BYTES);
            return true;
        } catch (Errno e) {
            IN_USE.decrementAndGet(); // EPERM over the user's pipe limits: the default size still works
            return false;
        }
    }

    static void release() { IN_USE.decrementAndGet(); }

    /** Shares held now (for tests). */
    static int inUse() { return IN_USE.get(); }
}
