package org.tracegate.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tracegate.process.Programs.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Programs started with other credentials: exactly those ids, no groups, no capabilities; the server stays root. */
class CredentialsTest {
    static final Credentials NOBODY = Credentials.lookup("nobody", "nogroup");
    private static final Path ROOT = Path.of("/");

    private static void assumeRoot() {
        assumeTrue(ProcStatus.ofThisThread().isRoot(), "switching users needs a root server");
    }

    /** The status lines that matter, as the child's kernel reports them. */
    static Map<String, String> status(String text) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String l : text.split("\n")) {
            int c = l.indexOf(':');
            if (c > 0) m.put(l.substring(0, c), l.substring(c + 1).trim().replaceAll("\\s+", " "));
        }
        return m;
    }

    private static Map<String, String> childStatus(ProcessLauncher launcher, Credentials c) throws Exception {
        Result r = run(launcher, spec(ROOT, "/bin/cat", "/proc/self/status").withCredentials(c));
        assertThat(r.status().exitCode()).as(r.err()).isZero();
        return status(r.out());
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void childAsNobodyHasNobodysIdsNoGroupsAndNoCapabilities(ProcessLauncher launcher) throws Exception {
        assumeRoot();
        assertThat(NOBODY).isEqualTo(Credentials.of(65534, 65534));
        Map<String, String> s = childStatus(launcher, NOBODY);
        assertThat(s.get("Uid")).isEqualTo("65534 65534 65534 65534");
        assertThat(s.get("Gid")).isEqualTo("65534 65534 65534 65534");
        assertThat(s.get("Groups")).isEmpty();
        for (String cap : List.of("CapInh", "CapPrm", "CapEff", "CapAmb")) {
            assertThat(s.get(cap)).as(cap).isEqualTo("0000000000000000");
        }
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void explicitSupplementaryGroupsAreExactlyTheOnesGiven(ProcessLauncher launcher) throws Exception {
        assumeRoot();
        Map<String, String> s = childStatus(launcher, new Credentials(4242, 4343, List.of(5001, 5002)));
        assertThat(s.get("Uid")).isEqualTo("4242 4242 4242 4242");
        assertThat(s.get("Gid")).isEqualTo("4343 4343 4343 4343");
        assertThat(s.get("Groups")).isEqualTo("5001 5002");
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void theSpawningThreadAndTheOthersStayRoot(ProcessLauncher launcher) throws Exception {
        assumeRoot();
        String before = Files.readString(Path.of("/proc/thread-self/status"));
        AtomicReference<String> other = new AtomicReference<>();
        CountDownLatch spawned = new CountDownLatch(1);
        Thread watcher = Thread.ofPlatform().start(() -> {
            try {
                spawned.await();
                other.set(Files.readString(Path.of("/proc/thread-self/status")));
            } catch (Exception e) {
                other.set(e.toString());
            }
        });
        childStatus(launcher, NOBODY);
        spawned.countDown();
        watcher.join();
        for (String text : List.of(Files.readString(Path.of("/proc/thread-self/status")), other.get())) {
            Map<String, String> s = status(text);
            assertThat(s.get("Uid")).isEqualTo("0 0 0 0");
            assertThat(s.get("Gid")).isEqualTo("0 0 0 0");
            assertThat(s.get("Groups")).isEqualTo(status(before).get("Groups"));
            assertThat(s.get("CapEff")).isEqualTo(status(before).get("CapEff"));
        }
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void childAsNobodyCannotReadARootOnlyFile(ProcessLauncher launcher, @TempDir Path dir) throws Exception {
        assumeRoot();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = Files.writeString(dir.resolve("admin.token"), "s3cret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Result asRoot = run(launcher, spec(dir, "/bin/cat", secret.toString()));
        assertThat(asRoot.out()).isEqualTo("s3cret\n");
        Result asNobody = run(launcher, spec(dir, "/bin/cat", secret.toString()).withCredentials(NOBODY));
        assertThat(asNobody.status().exitCode()).isEqualTo(1);
        assertThat(asNobody.out()).isEmpty();
        assertThat(asNobody.err()).contains("Permission denied");
    }

    /** Many threads spawning as different users (and as the server) at once: every child has exactly its own. */
    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void concurrentSpawnsAsDifferentUsersEachGetTheirOwn(ProcessLauncher launcher) throws Exception {
        assumeRoot();
        int threads = 8, each = 25;
        AtomicBoolean serverThreadsStayedRoot = new AtomicBoolean(true);
        AtomicBoolean stop = new AtomicBoolean();
        Credentials server = Credentials.ofServer();
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                ProcStatus s = ProcStatus.ofThisThread();
                if (!s.isRoot() || !s.credentials().equals(server)) serverThreadsStayedRoot.set(false);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        // Thread 0 spawns as the server: it must see uid 0, never a neighbour's identity.
                        Credentials c = id == 0 ? null : new Credentials(20000 + id, 30000 + id, List.of(40000 + id));
                        Map<String, String> s = childStatus(launcher, c);
                        String uid = c == null ? "0" : Integer.toString(c.uid());
                        String gid = c == null ? "0" : Integer.toString(c.gid());
                        if (!s.get("Uid").equals((uid + " ").repeat(4).trim())
                                || !s.get("Gid").equals((gid + " ").repeat(4).trim())
                                || (c != null && !s.get("Groups").equals(Integer.toString(40000 + id)))) {
                            wrong.add(id + ": " + s.get("Uid") + " / " + s.get("Gid") + " / " + s.get("Groups"));
                        }
                        if (!ProcStatus.ofThisThread().isRoot()) wrong.add(id + ": spawning thread not root afterwards");
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            stop.set(true);
            watcher.join();
        }
        assertThat(wrong).isEmpty();
        assertThat(serverThreadsStayedRoot).isTrue();
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void aVirtualThreadCallerIsServedOnAPlatformThread(ProcessLauncher launcher) throws Exception {
        assumeRoot();
        AtomicReference<Object> got = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                got.set(childStatus(launcher, NOBODY).get("Uid"));
            } catch (Throwable t) {
                got.set(t);
            }
        }).join();
        assertThat(got.get()).isEqualTo("65534 65534 65534 65534");
        assertThat(ProcStatus.ofThisThread().isRoot()).isTrue();
    }

    /** The helper also sets PR_SET_NO_NEW_PRIVS when it switches (a setuid binary cannot bring root back). */
    @Test
    void theHelpersProgramsAsNobodyHaveNoNewPrivilegesAndAsRootKeepThem() throws Exception {
        assumeRoot();
        assumeTrue(Programs.HELPER != null, "no spawn helper in this build");
        assertThat(childStatus(Programs.HELPER, NOBODY).get("NoNewPrivs")).isEqualTo("1");
        assertThat(childStatus(Programs.HELPER, null).get("NoNewPrivs")).isEqualTo("0");
    }

    /** A setuid-root binary run as nobody stays nobody under the helper: su cannot even try. */
    @Test
    void aSetuidBinaryCannotRegainRootUnderTheHelper(@TempDir Path dir) throws Exception {
        assumeRoot();
        assumeTrue(Programs.HELPER != null, "no spawn helper in this build");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path id = dir.resolve("id-setuid");
        Files.copy(Path.of("/usr/bin/id"), id);
        Files.setPosixFilePermissions(id, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(id, "unix:mode", 04755);
        // From a shell: exec'd directly, a setuid-root program cannot even get its limits from prlimit (EPERM).
        LaunchSpec shell = sh(dir, id + " -u").withCredentials(NOBODY);
        String viaThreadSwitch = run(new NativeLauncher(), shell).out().trim();
        assumeTrue(viaThreadSwitch.equals("0"), "setuid bits do not work here at all (nosuid mount?)");
        Result r = run(Programs.HELPER, shell);
        assertThat(r.out().trim()).as("effective uid of a setuid-root id").isEqualTo("65534");
    }

    /**
     * The wait for a switched child's credentials (Prlimit) ends: a setuid-root program exec'd directly never gets
     * matching ones, so its limits cannot be applied, and the launch fails within the wait instead of running it
     * without them.
     */
    @Test
    void aSetuidProgramExecdDirectlyFailsToLaunchRatherThanRunWithoutItsLimits(@TempDir Path dir) throws Exception {
        assumeRoot();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path id = dir.resolve("id-setuid");
        Files.copy(Path.of("/usr/bin/id"), id);
        Files.setAttribute(id, "unix:mode", 04755);
        assumeTrue(run(new NativeLauncher(), sh(dir, id + " -u").withCredentials(NOBODY)).out().trim().equals("0"),
                "setuid bits do not work here at all (nosuid mount?)");
        long start = System.nanoTime();
        LaunchException e = catchThrowableOfType(LaunchException.class,
                () -> run(new NativeLauncher(), spec(dir, id.toString(), "-u").withCredentials(NOBODY)));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("cannot apply the limits of").contains("prlimit: EPERM");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to give up").isLessThan(10_000);
        assertThat(ProcStatus.ofThisThread().isRoot()).isTrue();
    }

    @Test
    void theSwitchItselfRefusesAVirtualThread() throws Exception {
        AtomicReference<Throwable> got = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                CredentialSwitch.spawnAs(NOBODY, () -> 0);
            } catch (Throwable t) {
                got.set(t);
            }
        }).join();
        assertThat(got.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("platform thread");
    }

    @ParameterizedTest(autoCloseArguments = false) @MethodSource("org.tracegate.process.Programs#nativeLaunchers")
    void aNonExecutableWorkingDirectoryForTheUserIsEaccesAndNamesTheUid(ProcessLauncher launcher, @TempDir Path dir) throws Exception {
        assumeRoot();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        LaunchException e = catchThrowableOfType(LaunchException.class,
                () -> launcher.launch(spec(dir, "/bin/true").withCredentials(NOBODY)));
        assertThat(e.errnoName()).isEqualTo("EACCES");
        assertThat(e.getMessage()).contains("as uid 65534");
        // The helper knows the step: it was the chdir (NativeLauncher only sees posix_spawn's errno).
        if (launcher instanceof HelperLauncher) assertThat(e.getMessage()).startsWith("cannot change to directory \"" + dir + "\"");
        assertThat(ProcStatus.ofThisThread().isRoot()).isTrue();
    }

    @Test
    void processBuilderRefusesToRunAsAnotherUser() {
        LaunchException e = catchThrowableOfType(LaunchException.class,
                () -> new ProcessBuilderLauncher().launch(spec(ROOT, "/bin/true").withCredentials(NOBODY)));
        assertThat(e.errnoName()).isEqualTo("ENOSYS");
        assertThat(e.getMessage()).contains("cannot switch users").contains("uid 65534");
    }

    @Test
    void lookupResolvesNamesNumbersAndPrimaryGroups() {
        assertThat(Credentials.lookup("root", null)).isEqualTo(Credentials.of(0, 0));
        assertThat(Credentials.lookup("nobody", null)).isEqualTo(Credentials.of(65534, 65534));
        assertThat(Credentials.lookup("64000", "64001")).isEqualTo(Credentials.of(64000, 64001));
        assertThatThrownBy(() -> Credentials.lookup("no-such-user-x", "nogroup")).hasMessageContaining("no user \"no-such-user-x\"");
        assertThatThrownBy(() -> Credentials.lookup("nobody", "no-such-group-x")).hasMessageContaining("no group \"no-such-group-x\"");
        assertThatThrownBy(() -> Credentials.lookup("64000", null)).hasMessageContaining("name a group");
    }

    private static ProcStatus status(int uid, int gid, String groups, String capInh, String capAmb) {
        return ProcStatus.parse("Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\nGroups:\t%s\nCapInh:\t%s\nCapPrm:\t0\nCapEff:\t0\nCapAmb:\t%s\n"
                .formatted(uid, uid, uid, uid, gid, gid, gid, gid, groups, capInh, capAmb));
    }

    @Test
    void aNonRootServerRunsProgramsAsItselfOrRefusesAtConfigurationTime() {
        ProcStatus server = status(1000, 1000, "1000 27", "0", "0");
        assertThat(Credentials.forPrograms(Credentials.of(1000, 1000), server)).as("same as me: no switch").isNull();
        assertThatThrownBy(() -> Credentials.forPrograms(NOBODY, server))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs as uid 1000 gid 1000, not as root").hasMessageContaining("uid 65534");
    }

    @Test
    void aRootServerSwitchesUnlessAskedForItselfOrHoldingInheritableCapabilities() {
        assertThat(Credentials.forPrograms(NOBODY, status(0, 0, "0", "0", "0"))).isEqualTo(NOBODY);
        assertThat(Credentials.forPrograms(new Credentials(0, 0, List.of(0)), status(0, 0, "0", "0", "0"))).isNull();
        assertThatThrownBy(() -> Credentials.forPrograms(NOBODY, status(0, 0, "0", "0", "0000000000000400")))
                .hasMessageContaining("ambient capabilities");
    }
}
