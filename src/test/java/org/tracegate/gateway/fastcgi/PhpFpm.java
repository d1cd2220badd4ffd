package org.tracegate.gateway.fastcgi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real php-fpm (Debian's package {@value #PACKAGE}) started for a test class, on a private config and unix
 * socket in a temp dir: one static pool of two workers, workers' own stderr caught into the fpm log. Not
 * installed is a failure, not a skip, naming the package. {@link #close} stops the master and checks with
 * pgrep that no process of it is left.
 */
public final class PhpFpm implements AutoCloseable {
    public static final String PACKAGE = "php-fpm";
    private static final Duration START = Duration.ofSeconds(15);

    public final Path dir;
    public final Path docroot;
    public final Path socket;
    public final Path log;
    public final String pool;
    private final Path config;
    private final Process master;

    private final int children;

    private PhpFpm(Path dir, Path config, String pool, Process master, int children) {
        this.children = children;
        this.dir = dir;
        this.docroot = dir.resolve("www");
        this.socket = dir.resolve("fpm.sock");
        this.log = dir.resolve("fpm.log");
        this.config = config;
        this.pool = pool;
        this.master = master;
    }

    public static PhpFpm start(Path dir) throws Exception { return start(dir, 2); }

    /** With {@code children} workers in its static pool. */
    public static PhpFpm start(Path dir, int children) throws Exception { return start(dir, children, new String[0]); }

    /** With {@code children} workers, and {@code poolLines} added to its pool (e.g. "pm.max_requests = 1"). */
    public static PhpFpm start(Path dir, int children, String... poolLines) throws Exception {
        Path binary = binary();
        if (binary == null) {
            throw new AssertionError("php-fpm is not installed, and these tests need a real FastCGI server: install "
                    + "Debian's package with `apt-get install -y " + PACKAGE + "` (it provides /usr/sbin/php-fpm8.2)");
        }
        String pool = "tg" + ProcessHandle.current().pid() + "x" + System.nanoTime();
        Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(dir.resolve("sessions"));
        Path config = dir.resolve("fpm.conf");
        Files.writeString(config, String.join("\n",
                "[global]",
                "pid = " + dir.resolve("fpm.pid"),
                "error_log = " + dir.resolve("fpm.log"),
                "daemonize = no",
                // php-fpm cuts every message it sends as FCGI_STDERR at log_limit (default 1024) itself.
                "log_limit = 65536",
                "[" + pool + "]",
                "listen = " + dir.resolve("fpm.sock"),
                "pm = static",
                "pm.max_children = " + children,
                "catch_workers_output = yes",
                "request_terminate_timeout = 30s",
                String.join("\n", poolLines),
                // No php_admin_value[error_log]: with it, error_log() writes to that file instead of FCGI_STDERR.
                "php_admin_flag[log_errors] = on",
                "php_admin_flag[display_errors] = off",
                // Large uploads and sessions for the end-to-end tests (no php.ini: -n).
                "php_admin_value[post_max_size] = 256M",
                "php_admin_value[upload_max_filesize] = 256M",
                "php_admin_value[session.save_path] = " + dir.resolve("sessions"),
                ""), StandardCharsets.UTF_8);
        // -n: no php.ini, so the system's PHP settings cannot change what the tests see; -R: we run as root here.
        Process p = new ProcessBuilder(binary.toString(), "-n", "-R", "-F", "-y", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("fpm.out").toFile()).start();
        PhpFpm fpm = new PhpFpm(dir, config, pool, p, children);
        fpm.awaitReady();
        return fpm;
    }

    /** /usr/sbin/php-fpm8.2 or whichever version is installed; null when none is. */
    static Path binary() throws IOException {
        Path sbin = Path.of("/usr/sbin");
        if (!Files.isDirectory(sbin)) return null;
        try (Stream<Path> s = Files.list(sbin)) {
            return s.filter(f -> f.getFileName().toString().matches("php-fpm[0-9.]*") && Files.isExecutable(f))
                    .max(Comparator.naturalOrder()).orElse(null);
        }
    }

    public FastCgiAddress address() { return new FastCgiAddress.Unix(socket); }

    /** Writes a script into the document root; returns its path. */
    public Path script(String name, String php) throws IOException {
        Path p = docroot.resolve(name);
        Files.writeString(p, php, StandardCharsets.UTF_8);
        return p;
    }

    /** The pool's worker processes now. */
    public List<Long> workers() { return master.toHandle().descendants().map(ProcessHandle::pid).toList(); }

    public String log() throws IOException { return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : ""; }

    /** Waits until the fpm log contains {@code text} (the master writes it asynchronously). */
    public String awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String l = log();
            if (l.contains(text)) return l;
            Thread.sleep(50);
        }
        throw new AssertionError("fpm log never said " + text + ":\n" + log());
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) break;
            if (Files.exists(socket) && workers().size() >= children) {
                try {
                    FastCgiConnection.open(address(), Duration.ofSeconds(1)).close();
                    return;
                } catch (FastCgiConnectException e) {
                    // not listening yet
                }
            }
            Thread.sleep(50);
        }
        String out = Files.exists(dir.resolve("fpm.out")) ? Files.readString(dir.resolve("fpm.out")) : "";
        close();
        throw new AssertionError("php-fpm did not start within " + START.toSeconds() + " s:\n" + out + log());
    }

    /** SIGTERM to the master (it ends its workers), then makes sure nothing of it is left. */
    @Override
    public void close() throws Exception {
        List<ProcessHandle> all = master.toHandle().descendants().toList();
        master.destroy();
        if (!master.waitFor(10, TimeUnit.SECONDS)) {
            all.forEach(ProcessHandle::destroyForcibly);
            master.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : all) {
            if (!h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join().isAlive()) continue;
            h.destroyForcibly();
            throw new AssertionError("php-fpm worker " + h.pid() + " outlived its master");
        }
        for (String pattern : List.of("pool " + pool, config.toString())) {
            Process pgrep = new ProcessBuilder("pgrep", "-f", pattern).redirectErrorStream(true).start();
            String found = new String(pgrep.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (pgrep.waitFor() != 1) throw new AssertionError("php-fpm processes left behind (pgrep -f '" + pattern + "'): " + found);
        }
    }
}
