package org.tracegate.process;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Turns a raw descriptor from pipe2(2) into a {@link FileDescriptor} a stream can own, through the JDK's
 * {@code sun.nio.ch.IOUtil.newFD} (reachable with {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED},
 * which the launcher and the tests pass). It saves three open(2)s of /proc/self/fd and three close(2)s per
 * launch. Without the export, {@link #WRAPPABLE} is false and {@link NativeLauncher} re-opens through /proc.
 */
final class Descriptors {
    private static final MethodHandle NEW_FD = lookup();
    static final boolean WRAPPABLE = NEW_FD != null;

    private Descriptors() {}

    private static MethodHandle lookup() {
        try {
            Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
            MethodHandle h = MethodHandles.lookup().findStatic(ioUtil, "newFD",
                    MethodType.methodType(FileDescriptor.class, int.class));
            FileDescriptor probe = (FileDescriptor) h.invokeExact(-1); // fails here if not exported
            return probe.valid() ? null : h;
        } catch (Throwable t) {
            return null;
        }
    }

    static FileDescriptor wrap(int fd) {
        try {
            return (FileDescriptor) NEW_FD.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("IOUtil.newFD", t);
        }
    }
}
