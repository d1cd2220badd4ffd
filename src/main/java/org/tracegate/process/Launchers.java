package org.tracegate.process;

import java.util.Locale;

/**
 * Chooses the launcher for this platform. The system property {@code tracegate.launcher}
 * ({@code native} or {@code processbuilder}) forces one, for tests and operators.
 */
final class Launchers {
    static final String PROPERTY = "tracegate.launcher";

    private Launchers() {}

    static ProcessLauncher platformDefault() {
        String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        return switch (forced) {
            case "processbuilder" -> new ProcessBuilderLauncher();
            // Forced native: let a failure show (no silent fallback the operator did not ask for).
            case "native" -> new NativeLauncher();
            case "" -> NativeProbe.AVAILABLE ? new NativeLauncher() : new ProcessBuilderLauncher();
            default -> throw new IllegalArgumentException(
                    PROPERTY + " must be \"native\" or \"processbuilder\", not \"" + forced + "\"");
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
                new NativeLauncher();
                return null;
            } catch (Throwable t) { // ExceptionInInitializerError, IllegalCallerException, UnsatisfiedLinkError
                return t;
            }
        }
    }
}
