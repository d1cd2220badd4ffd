package org.tracegate.process;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Chooses the launcher for this platform (docs/process.md, "Choosing"):
 * <ul>
 *   <li>root, with the spawn helper in this build: {@link HelperLauncher} (one, shared);</li>
 *   <li>root without it: {@link NativeLauncher}, whose per-thread credential switch leaves the spawn window open,
 *       said once to the reporter with the reason;</li>
 *   <li>not root: {@link NativeLauncher} (no switch is possible or needed);</li>
 *   <li>not Linux, or no native access: {@link ProcessBuilderLauncher}.</li>
 * </ul>
 * The system property {@code tracegate.launcher} ({@code helper}, {@code native} or {@code processbuilder}) forces
 * one, for tests and operators; a forced one that cannot work fails loudly.
 */
final class Launchers {
    static final String PROPERTY = "tracegate.launcher";
    private static final AtomicBoolean WINDOW_REPORTED = new AtomicBoolean();

    private Launchers() {}

    static ProcessLauncher platformDefault(Consumer<String> problems) {
        String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        return switch (forced) {
            case "processbuilder" -> new ProcessBuilderLauncher();
            // Forced: let a failure show (no silent fallback the operator did not ask for).
            case "native" -> new NativeLauncher();
            case "helper" -> {
                HelperLauncher h = HelperLauncher.shared(problems);
                if (h == null) throw new IllegalStateException(PROPERTY + "=helper: " + HelperLauncher.sharedFailure());
                yield h;
            }
            case "" -> {
                if (!NativeProbe.AVAILABLE) yield new ProcessBuilderLauncher();
                if (!ProcStatus.ofThisThread().isRoot()) yield new NativeLauncher();
                HelperLauncher h = HelperLauncher.shared(problems);
                if (h != null) yield h;
                if (WINDOW_REPORTED.compareAndSet(false, true)) {
                    problems.accept("tracegate: programs are started from the server's own threads, because there is no"
                            + " spawn helper (" + HelperLauncher.sharedFailure().replaceFirst("^no spawn helper: ", "")
                            + "): while a program is being started as another user, that user's processes can kill the"
                            + " server, and resource limits apply a moment after the program starts (docs/process.md)");
                }
                yield new NativeLauncher();
            }
            default -> throw new IllegalArgumentException(
                    PROPERTY + " must be \"helper\", \"native\" or \"processbuilder\", not \"" + forced + "\"");
        };
    }

    /** Tries the native launcher once: Linux, native access enabled, every libc symbol found. */
    static final class NativeProbe {
        static final Throwable FAILURE = probe();
        static final boolean AVAILABLE = FAILURE == null;

        private NativeProbe() {}

        private static Throwable probe() {
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                return new UnsupportedOperationException("not Linux");
            }
            try {
                NativeLauncher.prepare(); // not a NativeLauncher: that would start a guardian the helper makes needless
                return null;
            } catch (Throwable t) { // ExceptionInInitializerError, IllegalCallerException, UnsatisfiedLinkError
                return t;
            }
        }
    }
}
