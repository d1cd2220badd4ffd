package org.tracegate.admin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.tracegate.files.ServerFiles;

/**
 * One server per runtime directory, for the server's whole life: an OS lock on {@code tracegate.lock}, which
 * holds the owner's pid. The kernel drops the lock when its process ends, however it ends, so the file a
 * killed server leaves behind never blocks the next start; a pid file alone could not tell a dead server
 * from a live one that reused its pid.
 */
public final class ServerLock implements AutoCloseable {
    public static final String FILE = "tracegate.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ServerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Another live server holds the lock; {@code pid} is -1 when it had not yet written it. */
    public static final class AlreadyServing extends IOException {
        private final long pid;

        AlreadyServing(Path dir, long pid) {
            super("another Tracegate (pid " + (pid < 0 ? "unknown" : pid) + ") is serving with log dir " + dir
                    + "; stop it first or use another --log-dir");
            this.pid = pid;
        }

        public long pid() { return pid; }
    }

    /**
     * Takes the lock in {@code dir} (which must exist) and writes this process's pid into it.
     *
     * @throws AlreadyServing when another server holds it
     */
    public static ServerLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        // Opened without truncating: the pid in it is the running owner's until we hold the lock.
        ServerFiles.create(file, ServerFiles.FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM: a second server started in-process
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new AlreadyServing(dir, ownerPid(file));
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new ServerLock(channel, lock);
    }

    /**
     * The pid the owner wrote, waiting briefly: between its lock and its write the file is still empty.
     * -1 when none appears.
     */
    private static long ownerPid(Path file) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1).strip();
            if (text.matches("\\d{1,19}")) return Long.parseLong(text);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return -1;
    }

    /**
     * Empties the file and releases the lock. The file stays: deleting it would let a starter that opened the
     * old file and one that creates a new one both believe they hold the lock.
     */
    @Override
    public void close() throws IOException {
        try (channel) {
            channel.truncate(0);
            lock.release();
        }
    }
}
