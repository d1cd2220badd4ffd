package org.tracegate.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** core(5)'s patterns as the kernel expands them, and which ones keep cores out of our reach. */
class CorePatternTest {
    @TempDir Path dir;

    private CoreFacts facts() {
        return new CoreFacts(4242, 65534, 65534, 11, Path.of("/srv/cgi-bin/a-very-long-program-name.cgi"), dir,
                System.currentTimeMillis() - 5000);
    }

    @Test
    void kindsAreTold() {
        assertThat(CorePattern.parse("core", false)).isInstanceOf(CorePattern.FilePattern.class);
        assertThat(CorePattern.parse("|/lib/systemd/systemd-coredump %P %u %g %s %t %c %h", false))
                .isInstanceOf(CorePattern.Systemd.class);
        CorePattern apport = CorePattern.parse("|/usr/share/apport/apport -p%p -s%s -c%c -d%d -P%P -u%u -g%g -- %E\n", false);
        assertThat(apport).isInstanceOf(CorePattern.Piped.class);
        assertThat(((CorePattern.Piped) apport).collector()).isEqualTo("/usr/share/apport/apport");
    }

    @Test
    void aRelativePatternIsTheWorkingDirectorysFileWithThePidWhenCoreUsesPid() throws Exception {
        Files.writeString(dir.resolve("core.4242"), "x");
        Files.writeString(dir.resolve("core.999"), "someone else's");
        assertThat(((CorePattern.FilePattern) CorePattern.parse("core", true)).find(facts())).contains(dir.resolve("core.4242"));
        assertThat(((CorePattern.FilePattern) CorePattern.parse("core", false)).find(facts())).isEmpty();
        Files.writeString(dir.resolve("core"), "x");
        assertThat(((CorePattern.FilePattern) CorePattern.parse("core", false)).find(facts())).contains(dir.resolve("core"));
    }

    @Test
    void specifiersAreFilledInOrMatchedLoosely() throws Exception {
        Path crash = Files.createDirectories(dir.resolve("crash-65534"));
        // %e is the name cut at 15 bytes; %t is matched, not computed.
        Files.writeString(crash.resolve("core.a-very-long-pro.4242.11.1764633600"), "x");
        CorePattern.FilePattern p = (CorePattern.FilePattern) CorePattern.parse(dir + "/crash-%u/core.%e.%p.%s.%t", true);
        assertThat(p.directory(facts())).isEqualTo(crash);
        assertThat(p.find(facts())).contains(crash.resolve("core.a-very-long-pro.4242.11.1764633600"));
    }

    @Test
    void aCoreOlderThanTheProgramIsNotItsCore() throws Exception {
        Path old = Files.writeString(dir.resolve("core"), "x");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(((CorePattern.FilePattern) CorePattern.parse("core", false)).find(facts())).isEmpty();
    }
}
