package org.tracegate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tracegate.config.CgiMapping;
import org.tracegate.config.EnvironmentPolicy;
import org.tracegate.http.TestServer;

/**
 * git's smart HTTP protocol through Tracegate: /git/ maps to a directory holding a wrapper script
 * {@code git} that execs git-http-backend, so /git/git/repo.git/info/refs runs the wrapper with
 * PATH_INFO=/repo.git/info/refs.
 */
class GitHttpBackendTest {
    private static final Path BACKEND = Path.of("/usr/lib/git-core/git-http-backend");
    private static final Duration GIT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir Path tmp;
    private Path home;
    private Path bare;
    private TestServer server;

    @BeforeEach
    void setUp() throws Exception {
        assertThat(BACKEND).isExecutable();
        Path cgi = Files.createDirectories(tmp.resolve("cgi"));
        Path wrapper = cgi.resolve("git");
        Files.writeString(wrapper, "#!/bin/sh\nexec " + BACKEND + "\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));

        home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"),
                "[user]\n\tname = Tracegate Test\n\temail = test@tracegate.invalid\n[init]\n\tdefaultBranch = main\n"
                        // The test (root) inspects the repository the program user (nobody) owns.
                        + "[safe]\n\tdirectory = *\n");
        Path root = Files.createDirectories(tmp.resolve("repos"));
        bare = root.resolve("repo.git");
        git(root, "init", "--bare", "-b", "main", bare.toString());
        git(bare, "config", "http.receivepack", "true");

        // Seed the bare repo directly (not over HTTP) with one commit.
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        git(seed, "init", "-b", "main");
        Files.writeString(seed.resolve("README"), "seeded by GitHttpBackendTest\n");
        git(seed, "add", "README");
        git(seed, "commit", "-m", "seed");
        git(seed, "push", bare.toString(), "main");

        // Programs run as nobody:nogroup (the server is root): as an operator would, the repositories belong to
        // the program user and the path to them is searchable.
        for (Path d : List.of(tmp, cgi, root)) Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.walk(bare)) {
            var users = bare.getFileSystem().getUserPrincipalLookupService();
            var nobody = users.lookupPrincipalByName("nobody");
            var nogroup = users.lookupPrincipalByGroupName("nogroup");
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.setOwner(p, nobody);
                Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).setGroup(nogroup);
            }
        }

        server = TestServer.start(c -> c
                .withCgi(List.of(new CgiMapping("/git/", cgi, false)))
                .withEnvironment(new EnvironmentPolicy(List.of("PATH"),
                        Map.of("GIT_PROJECT_ROOT", root.toString(), "GIT_HTTP_EXPORT_ALL", "1")))
                // Packing and indexing take a moment on a loaded machine: not what this test is about.
                .withLimits(c.limits().withHeaderTimeout(Duration.ofSeconds(30)).withIdleTimeout(Duration.ofSeconds(30))));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) server.close();
    }

    private String url() { return "http://127.0.0.1:" + server.port() + "/git/git/repo.git"; }

    @Test
    void infoRefsAdvertisementComesFromTheBackend() throws Exception {
        HttpResponse<String> r = server.get("/git/git/repo.git/info/refs?service=git-upload-pack");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-git-upload-pack-advertisement");
        assertThat(r.body()).startsWith("001e# service=git-upload-pack\n").contains("refs/heads/main");
    }

    @Test
    void missingRepositoryIsTheBackendsOwn404() throws Exception {
        HttpResponse<String> r = server.get("/git/git/nope.git/info/refs?service=git-upload-pack");
        // git-http-backend answers "Status: 404 Not Found" itself; the server relays it, no 502.
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("HTTP Error 502");
    }

    @Test
    void cloneThenPushALargeChunkedPack() throws Exception {
        Path work = tmp.resolve("clone");
        Exec.Result clone = git(tmp, "clone", url(), work.toString());
        assertThat(clone.stderr()).doesNotContain("fatal");
        assertThat(work.resolve("README")).hasContent("seeded by GitHttpBackendTest");

        // 3 MiB of random (incompressible) data: the pack is over http.postBuffer (1 MiB), so git sends it chunked.
        byte[] data = new byte[3 << 20];
        new Random(42).nextBytes(data);
        Files.write(work.resolve("big.bin"), data);
        git(work, "add", "big.bin");
        git(work, "commit", "-m", "add 3 MiB of random data");
        String local = git(work, "rev-parse", "HEAD").stdout().strip();

        Path curlTrace = tmp.resolve("push-trace.txt");
        Exec.Result push = run(work, Map.of("GIT_TRACE_CURL", curlTrace.toString(), "GIT_TRACE_CURL_NO_DATA", "1"),
                "git", "push", "origin", "main");
        assertThat(push.exitCode()).as("push: %s", push).isZero();
        // Proof that this push exercised a chunked request body through the server.
        assertThat(Files.readString(curlTrace)).containsIgnoringCase("Transfer-Encoding: chunked")
                .contains("POST /git/git/repo.git/git-receive-pack");

        assertThat(git(bare, "rev-parse", "refs/heads/main").stdout().strip()).isEqualTo(local);
        assertThat(git(bare, "cat-file", "-s", local + ":big.bin").stdout().strip()).isEqualTo(Integer.toString(data.length));
        git(bare, "fsck", "--no-progress");

        // And back over HTTP: a fresh clone has the same bytes.
        Path again = tmp.resolve("again");
        git(tmp, "clone", url(), again.toString());
        assertThat(sha256(Files.readAllBytes(again.resolve("big.bin")))).isEqualTo(sha256(data));
    }

    @Test
    void smallPostBufferForcesChunkedEvenForASmallPush() throws Exception {
        Path work = tmp.resolve("clone2");
        git(tmp, "clone", url(), work.toString());
        byte[] data = new byte[256 * 1024];
        new Random(7).nextBytes(data);
        Files.write(work.resolve("medium.bin"), data);
        git(work, "add", "medium.bin");
        git(work, "commit", "-m", "256 KiB");
        String local = git(work, "rev-parse", "HEAD").stdout().strip();
        Path curlTrace = tmp.resolve("push2-trace.txt");
        Exec.Result push = run(work, Map.of("GIT_TRACE_CURL", curlTrace.toString(), "GIT_TRACE_CURL_NO_DATA", "1"),
                "git", "-c", "http.postBuffer=65536", "push", "origin", "main");
        assertThat(push.exitCode()).as("push: %s", push).isZero();
        assertThat(Files.readString(curlTrace)).containsIgnoringCase("Transfer-Encoding: chunked");
        assertThat(git(bare, "rev-parse", "refs/heads/main").stdout().strip()).isEqualTo(local);
    }

    private Exec.Result git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        Exec.Result r = run(dir, Map.of(), cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return r;
    }

    private Exec.Result run(Path dir, Map<String, String> extra, String... cmd) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(), "GIT_TERMINAL_PROMPT", "0",
                "GIT_CONFIG_NOSYSTEM", "1", "GIT_ASKPASS", "/bin/false"));
        env.putAll(extra);
        return Exec.run(dir, env, GIT_TIMEOUT, List.of(cmd));
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
