package org.tracegate.offline;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.tracegate.process.ChildProcess;
import org.tracegate.process.EndedBy;
import org.tracegate.process.ExitStatus;
import org.tracegate.process.LaunchException;
import org.tracegate.process.LaunchSpec;
import org.tracegate.process.ProcessLauncher;

/**
 * A launcher that keeps a copy of the first bytes of each program's stdout as the gateway reads them, and, when the
 * gateway closes the pipes, of what the program had written but the gateway never read (it stops reading at the
 * first bad header line). The lint needs the whole header block to name every bad line, not just the first; the
 * gateway's own flow stays untouched.
 */
final class StdoutCopy implements ProcessLauncher {
    private final ProcessLauncher launcher;
    private final int limit;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    StdoutCopy(ProcessLauncher launcher, int limit) {
        this.launcher = launcher;
        this.limit = limit;
    }

    /** The copy so far (one run per instance). */
    synchronized byte[] bytes() { return copy.toByteArray(); }

    private synchronized boolean full() { return copy.size() >= limit; }

    private synchronized void keep(byte[] b, int off, int n) {
        int take = Math.min(n, limit - copy.size());
        if (take > 0) copy.write(b, off, take);
    }

    @Override
    public String name() { return launcher.name(); }

    @Override
    public ChildProcess launch(LaunchSpec spec) throws LaunchException {
        ChildProcess child = launcher.launch(spec);
        InputStream out = new FilterInputStream(child.stdout()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) keep(new byte[] {(byte) b}, 0, 1);
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) keep(b, off, n);
                return n;
            }
        };
        return new ChildProcess() {
            public long pid() { return child.pid(); }
            public OutputStream stdin() { return child.stdin(); }
            public InputStream stdout() { return out; }
            public InputStream stderr() { return child.stderr(); }
            public CompletableFuture<ExitStatus> onExit() { return child.onExit(); }
            public void terminate(EndedBy who, Duration grace) { child.terminate(who, grace); }
            public int endEscaped(Duration grace) { return child.endEscaped(grace); }
            public EndedBy endedBy() { return child.endedBy(); }

            public void closePipes() {
                // Only what is already in the pipe: the program has been reaped, so nothing blocks here.
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while (!full() && child.stdout().available() > 0 && (n = child.stdout().read(buf)) > 0) {
                        keep(buf, 0, n);
                    }
                } catch (IOException ignored) {
                    // Already closed: the copy is what it is.
                }
                child.closePipes();
            }
        };
    }
}
