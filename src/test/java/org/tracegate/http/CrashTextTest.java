package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.tracegate.crash.CrashCapture;

/** What the page's Crash section says in each case (the core kept or not, gdb there or not). */
class CrashTextTest {
    private static final Path CORE = Path.of("/var/log/tracegate/crashes/abc.core");

    @Test
    void withGdbThePageSaysWhereTheBacktraceWillBe() {
        String t = ErrorPages.crashText(new CrashCapture("SIGSEGV", true, CORE, null, true, new CompletableFuture<>()));
        assertThat(t).contains("kept as " + CORE).contains("gdb is reading its backtrace now")
                .contains("/var/log/tracegate/crashes/abc.txt");
    }

    @Test
    void withoutGdbTheCoreIsStillKeptAndThePageSaysGdbIsNotInstalled() {
        String t = ErrorPages.crashText(new CrashCapture("SIGABRT", true, CORE, null, false, new CompletableFuture<>()));
        assertThat(t).contains("kept as " + CORE).contains("gdb is not installed, so there will be no backtrace (apt-get install gdb)");
    }

    @Test
    void withoutACoreThePageSaysWhy() {
        String t = ErrorPages.crashText(new CrashCapture("SIGSEGV", false, null, "core_pattern pipes cores to /usr/share/apport/apport",
                false, CompletableFuture.completedFuture(null)));
        assertThat(t).isEqualTo("The program died by SIGSEGV; no core was kept: core_pattern pipes cores to /usr/share/apport/apport.");
    }
}
