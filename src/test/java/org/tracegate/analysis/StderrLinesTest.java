package org.tracegate.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The analyzer quotes the line an operator would have looked for in each language's stderr. */
class StderrLinesTest {
    @Test
    void pythonTracebackGivesItsLastLine() {
        List<String> stderr = List.of(
                "Traceback (most recent call last):",
                "  File \"/srv/cgi/app.py\", line 4, in <module>",
                "    print(1 / 0)",
                "ZeroDivisionError: division by zero");
        assertThat(StderrLines.mostTelling(stderr)).isEqualTo("ZeroDivisionError: division by zero");
    }

    @Test
    void perlDieGivesTheLineThatNamesWhere() {
        List<String> stderr = List.of("starting", "Can't locate DBI.pm in @INC at /srv/cgi/app.pl line 3.", "BEGIN failed--compilation aborted at /srv/cgi/app.pl line 3.");
        assertThat(StderrLines.mostTelling(stderr)).isEqualTo("BEGIN failed--compilation aborted at /srv/cgi/app.pl line 3.");
    }

    @Test
    void phpFatalWinsOverLaterNoticesAndIsSplitOutOfPhpFpmsJoin() {
        List<String> stderr = List.of("PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function f() in /srv/a.php:3; "
                + "PHP message: PHP Notice:  done in Unknown on line 0");
        assertThat(StderrLines.mostTelling(stderr))
                .isEqualTo("PHP Fatal error:  Uncaught Error: Call to undefined function f() in /srv/a.php:3");
    }

    @Test
    void withoutATellingLineTheLastNonBlankOne() {
        assertThat(StderrLines.mostTelling(List.of("one", "two", "  "))).isEqualTo("two");
        assertThat(StderrLines.mostTelling(List.of())).isNull();
    }
}
