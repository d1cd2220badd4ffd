package org.tracegate.process;

/**
 * Where a {@link NativeChild}'s exit comes from: the JVM's {@link Reaper} for the JVM's own children
 * ({@link NativeLauncher}'s programs, the guardian, the spawn helper itself), or a {@link SpawnHelper} for the programs
 * it started. The source reaps (or hears of the reaping), then calls {@link NativeChild#reaped()} and
 * {@link NativeChild#complete}; the child tells it when its group number is no longer ours.
 */
interface ExitSource {
    /** Children of the JVM: reaped by the Reaper; their groups are listed with the guardian. */
    ExitSource JVM = new ExitSource() {
        @Override
        public void released(int pgid) {
            Guardian.INSTANCE.forget(pgid);
        }

        @Override
        public String toString() {
            return "reaped by the JVM";
        }
    };

    /** The child's group number is no longer ours (leader reaped, or its delayed kill sent). Under GROUP_LOCK's write lock. */
    void released(int pgid);
}
