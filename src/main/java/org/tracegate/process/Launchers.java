package org.tracegate.process;

/** Chooses the launcher for this platform. */
final class Launchers {
    private Launchers() {}

    static ProcessLauncher platformDefault() {
        throw new UnsupportedOperationException("not yet");
    }
}
