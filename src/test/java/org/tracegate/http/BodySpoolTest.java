package org.tracegate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodySpoolTest {

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
            open.add(BodySpool.read(new ByteArrayInputStream(data), 1 << 20, 1 << 30, budget));
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
        try (BodySpool again = BodySpool.read(new ByteArrayInputStream(data), 1 << 20, 1 << 30, budget)) {
            assertThat(again.inFile()).isFalse();
        }
        assertThat(budget.used()).isZero();
    }

    @Test
    void aTooLargeBodyReleasesWhatItHeld() {
        BodySpool.Budget budget = new BodySpool.Budget(1 << 20);
        byte[] data = body(300_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> BodySpool.read(new ByteArrayInputStream(data), 1 << 20, 100_000, budget))
                .isInstanceOf(BodySpool.TooLarge.class);
        assertThat(budget.used()).isZero();
    }
}
