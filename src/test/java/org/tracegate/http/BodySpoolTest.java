package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BodySpoolTest {
    private static final Path TEMP = Path.of(System.getProperty("java.io.tmpdir"));

    @TempDir
    Path dir;

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }

    @Test
    void bodiesBeyondTheSharedBudgetGoToFilesAndTheBudgetIsGivenBack() throws Exception {
        BodySpool.Budget budget = new BodySpool.Budget(100_000); // room for two 20 kB bodies (2 x 2 x 20 kB)
        List<BodySpool> open = new ArrayList<>();
        byte[] data = body(20_000);
        for (int i = 0; i < 4; i++) {
            open.add(BodySpool.read(new ByteArrayInputStream(data), 1 << 20, 1 << 30, budget, TEMP));
        }
        assertThat(open.stream().map(BodySpool::inFile).toList()).containsExactly(false, false, true, true);
        assertThat(budget.used()).isEqualTo(80_000);
        for (BodySpool s : open) {
            assertThat(s.length()).isEqualTo(data.length);
            try (var in = s.open()) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            s.close();
        }
        assertThat(budget.used()).isZero();
        // Room again: the next body is held in memory.
        try (BodySpool again = BodySpool.read(new ByteArrayInputStream(data), 1 << 20, 1 << 30, budget, TEMP)) {
            assertThat(again.inFile()).isFalse();
        }
        assertThat(budget.used()).isZero();
    }

    @Test
    void aTooLargeBodyReleasesWhatItHeld() {
        BodySpool.Budget budget = new BodySpool.Budget(1 << 20);
        byte[] data = body(300_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> BodySpool.read(new ByteArrayInputStream(data), 1 << 20, 100_000, budget, TEMP))
                .isInstanceOf(BodySpool.TooLarge.class);
        assertThat(budget.used()).isZero();
    }

    /**
     * A spool file that cannot be made (here: its directory is gone; in production a full disk, a quota, EMFILE) is the
     * server's trouble, told apart from the client's broken body, and gives back what it held.
     */
    @Test
    void aSpoolFileThatCannotBeMadeIsTheServersFailureNotTheClients() {
        BodySpool.Budget budget = new BodySpool.Budget(1 << 20);
        Path gone = dir.resolve("gone");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> BodySpool.read(new ByteArrayInputStream(body(10_000)), 1_000, 1 << 30, budget, gone))
                .isInstanceOfSatisfying(BodySpool.SpoolFailed.class, e -> {
                    assertThat(e.directory).isEqualTo(gone.toString());
                    assertThat(e.getMessage()).as("the reason, not a stack of paths").doesNotContain("tracegate-body-");
                });
        assertThat(budget.used()).isZero();
    }

    @Test
    void aSpoolFileThatCannotBeReadBackIsTheServersFailureToo() throws Exception {
        BodySpool.Budget budget = new BodySpool.Budget(1 << 20);
        try (BodySpool s = BodySpool.read(new ByteArrayInputStream(body(10_000)), 1_000, 1 << 30, budget, dir)) {
            assertThat(s.inFile()).isTrue();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    assertThat(Files.getPosixFilePermissions(f)).as("the server's alone")
                            .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
                    Files.delete(f);                     // a cleaner of the temp directory got to it
                }
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(s::open).isInstanceOf(BodySpool.SpoolFailed.class);
        }
        assertThat(budget.used()).isZero();
    }
}
