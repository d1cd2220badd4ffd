package org.tracegate.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Test fixtures' temporary directories, removed when the fixture closes so runs do not pile up in /tmp. */
public final class TempDirectories {
    private TempDirectories() {}

    /** Deletes {@code dir} and everything under it; what cannot be deleted is left (best effort, never fails a test). */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // held or not ours: left for the OS's tmp cleaning
                }
            });
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // the walk failed part-way: as above
        }
    }
}
