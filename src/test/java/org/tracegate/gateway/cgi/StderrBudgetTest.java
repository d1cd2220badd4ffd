package org.tracegate.gateway.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one rule for stderr in error.log: log bytes with their framing, and nothing after the first line refused. */
class StderrBudgetTest {
    @Test
    void linesCountAsTheyStandInTheLogAndNothingFollowsTheFirstRefused() {
        StderrBudget b = new StderrBudget(200);                   // 70 bytes of framing a line
        assertThat(b.admit("x".repeat(50), "line1")).isTrue();    // 120
        assertThat(b.admit("x".repeat(20), "line2")).isFalse();   // 210 > 200
        assertThat(b.admit("", "3")).as("a short line after a refused one").isFalse();
        assertThat(b.dropped()).as("the program's bytes with their newlines").isEqualTo(6 + 2);
    }

    @Test
    void zeroLogsNothing() {
        StderrBudget b = new StderrBudget(0);
        assertThat(b.admit("", "")).isFalse();
        assertThat(b.dropped()).isEqualTo(1);
    }
}
