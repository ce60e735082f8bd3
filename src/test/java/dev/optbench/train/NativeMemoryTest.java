package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.workload.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many trials in one process: every NDManager closed, so resident memory stays flat. */
class NativeMemoryTest {
    @TempDir Path dir;

    @Test
    void thirtyTinyTrialsKeepResidentMemoryWithinTenPercentOfWarmUp() throws Exception {
        Assumptions.assumeTrue(NativeMemory.residentKiB() > 0);
        // Trials 1-10 warm up (JIT, allocator pools); trials 11-30 must stay within 10% of trial 10.
        Path data = TestData.fashion(dir.resolve("f"), 300, 50);
        Map<String, Double> h = Map.of("learning_rate", 0.001, "weight_decay", 0.01);
        long warm = 0;
        long peak = 0;
        for (int trial = 0; trial < 30; trial++) {
            TrainResult r = Trainer.train(new TrainRequest("fmnist_mlp-tiny", "adam", h, trial, 40, data),
                    TrainListener.NONE);
            assertThat(r.stepsRun()).isEqualTo(40);
            long rss = NativeMemory.retainedKiB();
            if (trial == 9) {
                warm = rss;
            } else if (trial > 9) {
                peak = Math.max(peak, rss);
            }
        }
        assertThat(peak).as("peak RSS of trials 11-30 vs after trial 10 (KiB)").isLessThanOrEqualTo((long) (warm * 1.10));
    }
}
