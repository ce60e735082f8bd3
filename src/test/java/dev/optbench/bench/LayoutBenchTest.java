package dev.optbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code bench layout} and {@code bench trials} measure on this host. */
class LayoutBenchTest {

    @Test
    void candidatesKeepEveryCoreBusyAtMost() {
        assertThat(LayoutBench.candidates(2)).containsExactly(java.util.Map.entry(1, List.of(1, 2)),
                java.util.Map.entry(2, List.of(1)));
        assertThat(LayoutBench.candidates(6)).containsExactly(java.util.Map.entry(1, List.of(1, 2, 4, 6)),
                java.util.Map.entry(2, List.of(1, 2, 3)), java.util.Map.entry(4, List.of(1)));
    }

    @Test
    void theBenchTriesTheTrialsPerBatchItIsGivenWhereTheWorkloadBatches() {
        assertThat(LayoutBench.batches("fmnist_mlp", null)).isEqualTo(LayoutBench.BATCHES);
        assertThat(LayoutBench.batches("fmnist_2c2d", List.of(1, 4, 8))).containsExactly(1, 4, 8);
        assertThat(LayoutBench.batches("char_lstm", List.of(4, 8))).containsExactly(1); // no stacked form
        assertThatThrownBy(() -> new LayoutBench.Settings(5, 1.0, 5, List.of(4, 0)))
                .isInstanceOf(InputException.class).hasMessageContaining("--batch-trials 0 must be at least 1");
    }
}
