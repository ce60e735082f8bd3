package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.workload.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many trials in one process: every NDManager closed, so resident memory stays flat. The full
 * fmnist_mlp model (with Adam state, ~3 MB per trial) on tiny generated data, so that a trial
 * leaking its arrays would grow RSS by ~75 MB over the checked trials, far above the tolerance.
 */
class NativeMemoryTest {
    @TempDir Path dir;

    @Test
    void fortyFiveTrialsKeepResidentMemoryWithinTenPercentOfWarmUp() throws Exception {
        Assumptions.assumeTrue(NativeMemory.residentKiB() > 0);
        // Trials 1-15 warm up (JIT compilation and allocator pools grow in steps of ~15 MB there);
        // 16-20 set the level; 21-45 must stay within 10% of it. A leak grows linearly instead.
        Path data = TestData.fashion(dir.resolve("f"), 300, 50);
        Map<String, Double> h = Map.of("learning_rate", 0.001, "weight_decay", 0.01);
        long warm = 0;
        long peak = 0;
        for (int trial = 0; trial < 45; trial++) {
            TrainResult r = Trainer.train(new TrainRequest("fmnist_mlp", "adam", h, trial, 20, data),
                    TrainListener.NONE);
            assertThat(r.stepsRun()).isEqualTo(20);
            long rss = NativeMemory.retainedKiB();
            if (trial >= 15 && trial < 20) {
                warm = Math.max(warm, rss);
            } else if (trial >= 20) {
                peak = Math.max(peak, rss);
            }
        }
        assertThat(peak).as("peak RSS of trials 21-45 vs trials 16-20 (KiB)").isLessThanOrEqualTo((long) (warm * 1.10));
    }
}
