package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.optbench.workload.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 10: trial k of a batch gives trial k's sequential curve (float32 rounding aside)
 * with its own optimizer, hyperparameters, regularizers, schedule and seed; a trial that
 * diverges leaves the batch without changing the others.
 */
class BatchedTrainerTest {
    @TempDir static Path dir;
    static Path fashion;
    static Path cifar;

    @BeforeAll
    static void data() throws Exception {
        fashion = TestData.fashion(dir.resolve("fashion"), 300, 50);
        cifar = noisyCifar10(dir.resolve("cifar"), 60, 40);
    }

    /**
     * CIFAR-10 binary files whose images are noise plus a bright band where the label says:
     * learnable, and without the flat images of {@link TestData#cifar10}, whose max-pooling ties
     * make a run's path hinge on float32 rounding.
     */
    static Path noisyCifar10(Path dir, int perBatch, int test) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (int b = 0; b <= 5; b++) {
            int n = b == 0 ? test : perBatch;
            byte[] out = new byte[n * 3073];
            for (int i = 0; i < n; i++) {
                int label = (i + b) % 10;
                out[i * 3073] = (byte) label;
                for (int p = 0; p < 3072; p++) {
                    boolean band = (p % 1024) / 103 == label;
                    out[i * 3073 + 1 + p] = (byte) ((band ? 150 : 0) + rng.nextInt(100));
                }
            }
            java.nio.file.Files.write(dir.resolve(b == 0 ? "test_batch.bin" : "data_batch_" + b + ".bin"), out);
        }
        return dir;
    }

    /** Minibatch losses of every step, in order. */
    static final class Losses implements TrainListener {
        final List<Double> values = new ArrayList<>();

        @Override
        public void onStep(long step, long total, double loss) {
            values.add(loss);
        }
    }

    /**
     * Five trials, each with another optimizer, seed and regularizer; {@code scale} shrinks the
     * learning rates, so that the runs stay away from the edge of divergence, where float32
     * rounding alone decides the outcome, and from losses near 1e-5 on these easy synthetic
     * classes, where float32 log-probabilities carry no four significant digits.
     */
    private static List<TrainRequest> mixed(String workload, Path data, long steps, double scale) {
        return List.of(
                new TrainRequest(workload, "adam", Map.of("learning_rate", 0.002 * scale), 11, steps, data),
                new TrainRequest(workload, "momentum", Map.of("learning_rate", 0.02 * scale, "l2", 0.001,
                        "decay_steps_factor", 1.0, "decay_factor", 0.01), 12, steps, data),
                new TrainRequest(workload, "sgd", Map.of("learning_rate", 0.05 * scale, "label_smoothing", 0.1), 13,
                        steps, data),
                new TrainRequest(workload, "rmsprop", Map.of("learning_rate", 0.001 * scale, "weight_decay", 0.01), 14,
                        steps, data),
                new TrainRequest(workload, "nadam", Map.of("learning_rate", 0.001 * scale, "beta1", 0.8), 15, steps,
                        data));
    }

    /** Runs {@code requests} batched and each alone; asserts trial k's batched curve is its sequential one. */
    private static List<TrainResult> assertBatchReproducesSequential(List<TrainRequest> requests) {
        List<Losses> batched = new ArrayList<>();
        for (int k = 0; k < requests.size(); k++) {
            batched.add(new Losses());
        }
        List<TrainResult> together = BatchedTrainer.train(requests, List.copyOf(batched));
        assertThat(together).hasSize(requests.size());
        for (int k = 0; k < requests.size(); k++) {
            Losses alone = new Losses();
            TrainResult single = Trainer.train(requests.get(k), alone);
            TrainResult b = together.get(k);
            assertThat(b.status()).as("trial %d status", k).isEqualTo(single.status());
            assertThat(b.stepsRun()).as("trial %d steps", k).isEqualTo(single.stepsRun());
            assertThat(batched.get(k).values).hasSameSizeAs(alone.values);
            int checked = Math.min(100, alone.values.size());
            for (int s = 0; s < checked; s++) {
                double expected = alone.values.get(s);
                assertThat(batched.get(k).values.get(s)).as("trial %d loss of step %d", k, s + 1)
                        .isCloseTo(expected, lossTolerance(expected));
            }
            assertThat(b.measurements()).hasSameSizeAs(single.measurements());
            for (int m = 0; m < b.measurements().size(); m++) {
                assertThat(b.measurements().get(m).step()).isEqualTo(single.measurements().get(m).step());
                assertThat(b.measurements().get(m).split()).isEqualTo(single.measurements().get(m).split());
            }
            assertThat(b.finalError(Split.VALIDATION)).as("trial %d validation error", k)
                    .isCloseTo(single.finalError(Split.VALIDATION), within(0.01));
        }
        return together;
    }

    @Test
    void mlpTinyBatchOfFiveOptimizersReproducesEachSequentialRun() {
        List<TrainResult> r = assertBatchReproducesSequential(mixed("fmnist_mlp-tiny", fashion, 200, 0.25));
        assertThat(r).allSatisfy(t -> assertThat(t.status()).isEqualTo(RunStatus.COMPLETED));
        assertThat(r.get(0).finalError(Split.VALIDATION)).isLessThan(0.5); // it learned something
    }

    @Test
    void cnn2c2dTinyBatchReproducesEachSequentialRun() {
        assertBatchReproducesSequential(mixed("fmnist_2c2d-tiny", fashion, 120, 0.25).subList(0, 3));
    }

    /**
     * 3c3d: the first step's loss depends only on the initial weights and the first batch, so it
     * checks the stacked network and the copied initialization exactly. Later steps are not
     * compared here. (Issue 9 recorded the unbatched run as not reproducible, a first-convolution
     * gradient "sometimes garbage or NaN"; it did not reproduce in issue 20, and
     * {@link Cnn3c3dReproducibilityTest} now holds it to the bit.)
     */
    @Test
    void cnn3c3dTinyBatchStartsFromEachTrialsOwnWeightsAndData() {
        List<TrainRequest> requests = mixed("cifar10_3c3d-tiny", cifar, 1, 0.25).subList(0, 3);
        List<Losses> batched = List.of(new Losses(), new Losses(), new Losses());
        List<TrainResult> together = BatchedTrainer.train(requests, List.copyOf(batched));
        for (int k = 0; k < requests.size(); k++) {
            Losses alone = new Losses();
            Trainer.train(requests.get(k), alone);
            assertThat(together.get(k).stepsRun()).isEqualTo(1);
            assertThat(batched.get(k).values.get(0)).as("trial %d first loss", k)
                    .isCloseTo(alone.values.get(0), within(1e-5 * alone.values.get(0)));
        }
        assertThat(batched.get(0).values.get(0)).isNotEqualTo(batched.get(1).values.get(0));
    }

    @Test
    void aTrialThatDivergesAtOnceLeavesTheOthersEqualToTheirSequentialRuns() {
        List<TrainRequest> requests = new ArrayList<>(mixed("fmnist_mlp-tiny", fashion, 150, 0.25).subList(0, 3));
        requests.add(1, new TrainRequest("fmnist_mlp-tiny", "sgd", Map.of("learning_rate", 1e6), 99, 150, fashion));
        List<TrainResult> r = assertBatchReproducesSequential(requests);
        assertThat(r.get(1).status()).isEqualTo(RunStatus.DIVERGED);
        assertThat(r.get(1).stepsRun()).isLessThan(10);
        assertThat(r.get(1).finalError(Split.VALIDATION)).isEqualTo(1.0);
        assertThat(List.of(r.get(0), r.get(2), r.get(3)))
                .allSatisfy(t -> assertThat(t.status()).isEqualTo(RunStatus.COMPLETED));
    }

    @Test
    void dropoutDrawsItsOwnMasksPerTrialAndLeavesTheOtherTrialsAlone() {
        Map<String, Double> plain = Map.of("learning_rate", 0.002);
        Map<String, Double> dropped = Map.of("learning_rate", 0.002, "dropout_rate", 0.5);
        TrainRequest quiet = new TrainRequest("fmnist_mlp-tiny", "adam", plain, 21, 100, fashion);
        List<TrainRequest> requests = List.of(quiet,
                new TrainRequest("fmnist_mlp-tiny", "adam", dropped, 21, 100, fashion),
                new TrainRequest("fmnist_mlp-tiny", "adam", dropped, 21, 100, fashion));
        List<Losses> seen = List.of(new Losses(), new Losses(), new Losses());
        List<TrainResult> r = BatchedTrainer.train(requests, List.copyOf(seen));
        Losses alone = new Losses();
        Trainer.train(quiet, alone);
        for (int s = 0; s < 100; s++) { // the trial without dropout is its sequential self
            assertThat(seen.get(0).values.get(s)).isCloseTo(alone.values.get(s), lossTolerance(alone.values.get(s)));
        }
        // Same seed and hyperparameters: the step-1 loss differs only through the dropout masks,
        // and the two dropout trials draw different ones.
        assertThat(seen.get(1).values.get(0)).isNotEqualTo(seen.get(0).values.get(0));
        assertThat(seen.get(1).values.get(0)).isNotEqualTo(seen.get(2).values.get(0));
        assertThat(r).allSatisfy(t -> assertThat(t.status()).isEqualTo(RunStatus.COMPLETED));
    }

    @Test
    void autoPicksABatchOnlyForWorkloadsWithAStackedForm() {
        assertThat(BatchedTrainer.autoTrials("fmnist_mlp-tiny")).isEqualTo(BatchedTrainer.DEFAULT_TRIALS);
        assertThat(BatchedTrainer.autoTrials("cifar10_3c3d")).isEqualTo(BatchedTrainer.DEFAULT_CONV_TRIALS);
        assertThat(BatchedTrainer.autoTrials("char_lstm-tiny")).isEqualTo(1);
        assertThat(BatchedTrainer.supports("lm_transformer")).isFalse();
    }

    @Test
    void aWorkloadWithoutAStackedFormTrainsItsTrialsOneAtATimeExactlyAsTrainerDoes() throws Exception {
        Path text = TestData.text(dir.resolve("t/corpus.txt"), 3000);
        List<TrainRequest> requests = List.of(
                new TrainRequest("char_lstm-tiny", "adam", Map.of("learning_rate", 0.01), 1, 15, text),
                new TrainRequest("char_lstm-tiny", "sgd", Map.of("learning_rate", 0.1), 2, 15, text));
        List<TrainResult> batched = BatchedTrainer.train(requests);
        for (int k = 0; k < 2; k++) {
            assertThat(batched.get(k).measurements()).isEqualTo(Trainer.train(requests.get(k), TrainListener.NONE)
                    .measurements());
        }
    }

    /**
     * 1e-4 relative, but not below 1e-6: a minibatch loss near zero is the mean of −log p for
     * p ≈ 1, computed in float32 from logits of magnitude ~10, so its absolute resolution is about
     * 1e-6 (the stacked and the single forward round their logits differently). Once a tiny model
     * has memorized its batch (loss ~1e-5), only the absolute floor is meaningful.
     */
    private static org.assertj.core.data.Offset<Double> lossTolerance(double expected) {
        return within(Math.max(1e-4 * Math.abs(expected), 1e-6));
    }
}
