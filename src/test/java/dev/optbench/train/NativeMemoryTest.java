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

    /**
     * Host buffers (batches, native scratch) are freed as their run's manager closes, not when a
     * garbage collection happens to find them: 16 runs' 64 MiB each, written through, with no
     * collection asked for, would hold 1 GiB.
     */
    @Test
    void hostMemoryIsFreedWhenItsManagerCloses() {
        Assumptions.assumeTrue(NativeMemory.residentKiB() > 0);
        long before = NativeMemory.residentKiB();
        int bytes = 64 << 20;
        for (int run = 0; run < 16; run++) {
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
                java.nio.ByteBuffer b = dev.optbench.platform.HostMemory.allocate(m, bytes);
                assertThat(dev.optbench.platform.HostMemory.address(b) % 64).isZero();
                assertThat(b.capacity()).isEqualTo(bytes);
                for (int i = 0; i < bytes; i += 4096) {
                    b.put(i, (byte) 1);
                }
            }
        }
        assertThat(NativeMemory.residentKiB() - before).as("RSS growth, KiB").isLessThan(256 << 10);
    }

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

    @Test
    void aHundredBatchedTrialsKeepResidentMemoryWithinTenPercentOfWarmUp() throws Exception {
        Assumptions.assumeTrue(NativeMemory.residentKiB() > 0);
        // 25 batches of 4 full fmnist_mlp trials (Adam, weight decay, one diverging at once so a
        // trial leaves the batch): batches 1-8 warm up, 9-11 set the level, 12-25 must stay
        // within 10% of it. A batch leaking its stacked parameters and state would add ~12 MB each.
        Path data = TestData.fashion(dir.resolve("b"), 300, 50);
        long warm = 0;
        long peak = 0;
        for (int batch = 0; batch < 25; batch++) {
            java.util.List<TrainRequest> requests = new java.util.ArrayList<>();
            for (int k = 0; k < 4; k++) {
                Map<String, Double> h = k == 3 ? Map.of("learning_rate", 1e6)
                        : Map.of("learning_rate", 0.001 * (k + 1), "weight_decay", 0.01);
                requests.add(new TrainRequest("fmnist_mlp", k == 3 ? "sgd" : "adam", h, batch * 4L + k, 10, data));
            }
            java.util.List<TrainResult> r = BatchedTrainer.train(requests);
            assertThat(r.get(0).stepsRun()).isEqualTo(10);
            assertThat(r.get(3).status()).isEqualTo(RunStatus.DIVERGED);
            long rss = NativeMemory.retainedKiB();
            if (batch >= 8 && batch < 11) {
                warm = Math.max(warm, rss);
            } else if (batch >= 11) {
                peak = Math.max(peak, rss);
            }
        }
        assertThat(peak).as("peak RSS of batches 12-25 vs batches 9-11 (KiB)").isLessThanOrEqualTo((long) (warm * 1.10));
    }
}
