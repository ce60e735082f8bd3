package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.Device;
import dev.optbench.BundledLibrary;
import dev.optbench.workload.TestData;
import dev.optbench.workload.Workloads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stacked MLP's native forward and backward against the NDArray form it replaces: every
 * step's loss and every evaluation of every trial, with each regularizer and several update
 * rules in one batch.
 */
class NativeDenseTest {
    @TempDir static Path dir;
    static Path fashion;

    @BeforeAll
    static void data() throws Exception {
        fashion = TestData.fashion(dir.resolve("fashion"), 300, 50);
    }

    @Test
    void theNativePassesLoadWhereTheBundledLibrariesRun() {
        assumeThat(BundledLibrary.supported()).isTrue();
        assumeThat(System.getenv(NativeDense.ENV)).isNotEqualToIgnoringCase("off");
        assertThat(NativeDense.status()).isEqualTo("native forward and backward");
        assertThat(NativeDense.available()).isTrue();
    }

    @Test
    void mlpTrialsTrainAndEvaluateAsOnNDArrayOps() {
        assumeThat(NativeDense.available()).isTrue();
        String w = "fmnist_mlp-tiny";
        long steps = 250; // evaluations at 100, 200 and 250
        List<TrainRequest> requests = List.of(
                new TrainRequest(w, "adam", Map.of("learning_rate", 0.001), 1, steps, fashion),
                new TrainRequest(w, "sgd", Map.of("learning_rate", 0.02, "l2", 0.01), 2, steps, fashion),
                new TrainRequest(w, "adam", Map.of("learning_rate", 0.0005, "label_smoothing", 0.2, "l2", 0.003), 3,
                        steps, fashion),
                new TrainRequest(w, "momentum", Map.of("learning_rate", 0.01, "weight_decay", 0.01), 4, steps, fashion),
                new TrainRequest(w, "nadam", Map.of("learning_rate", 0.0005, "label_smoothing", 0.05), 5, steps,
                        fashion));
        assertThat(NativeDense.suits(Workloads.get(w), Device.cpu(),
                requests.stream().map(r -> TrainConfig.of(r.optimizer(), r.hparams())).toList())).isTrue();
        List<BatchedTrainerTest.Losses> nativeLosses = listeners(requests.size());
        List<BatchedTrainerTest.Losses> ndLosses = listeners(requests.size());
        List<TrainResult> onNative = BatchedTrainer.train(requests, List.copyOf(nativeLosses), true);
        List<TrainResult> onNd = BatchedTrainer.train(requests, List.copyOf(ndLosses), false);
        for (int k = 0; k < requests.size(); k++) {
            TrainResult a = onNative.get(k);
            TrainResult b = onNd.get(k);
            assertThat(a.status()).as("trial %d status", k).isEqualTo(b.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(a.stepsRun()).isEqualTo(b.stepsRun()).isEqualTo(steps);
            List<Double> x = nativeLosses.get(k).values;
            List<Double> y = ndLosses.get(k).values;
            assertThat(x).hasSize((int) steps).hasSameSizeAs(y);
            for (int s = 0; s < x.size(); s++) {
                assertThat(x.get(s)).as("trial %d loss of step %d", k, s + 1).isCloseTo(y.get(s), close(y.get(s)));
            }
            assertThat(a.measurements()).hasSameSizeAs(b.measurements()).hasSize(3 * 4);
            for (int m = 0; m < a.measurements().size(); m++) {
                Measurement p = a.measurements().get(m);
                Measurement q = b.measurements().get(m);
                assertThat(p.step()).isEqualTo(q.step());
                assertThat(p.split()).isEqualTo(q.split());
                assertThat(p.loss()).as("trial %d %s loss at %d", k, p.split(), p.step()).isCloseTo(q.loss(), close(q.loss()));
                if (p.split() != Split.TRAIN) {
                    // one example of 50 whose two top logits round the other way would move it by 0.02
                    assertThat(p.error()).as("trial %d %s error at %d", k, p.split(), p.step())
                            .isCloseTo(q.error(), within(0.021));
                }
            }
        }
    }

    /** A study's K = 1 trial (TrainerRunner, `optbench train`) is a batch of one on the native passes. */
    @Test
    void aSingleMlpTrialTrainsOnTheNativePassesAsTrainerWould() {
        assumeThat(NativeDense.available()).isTrue();
        TrainRequest r = new TrainRequest("fmnist_mlp-tiny", "adam", Map.of("learning_rate", 0.001, "l2", 0.001), 7,
                150, fashion);
        assertThat(BatchedTrainer.aloneOnNative(r)).isTrue();
        BatchedTrainerTest.Losses alone = new BatchedTrainerTest.Losses();
        BatchedTrainerTest.Losses reference = new BatchedTrainerTest.Losses();
        TrainResult a = BatchedTrainer.train(List.of(r), List.of(alone)).get(0);
        TrainResult b = Trainer.train(r, reference);
        assertThat(a.status()).isEqualTo(b.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(alone.values).hasSameSizeAs(reference.values).hasSize(150);
        for (int s = 0; s < 100; s++) {
            assertThat(alone.values.get(s)).as("loss of step %d", s + 1)
                    .isCloseTo(reference.values.get(s), close(reference.values.get(s)));
        }
        assertThat(a.measurements()).hasSameSizeAs(b.measurements());
        assertThat(a.finalError(Split.VALIDATION)).isCloseTo(b.finalError(Split.VALIDATION), within(0.021));
        // a batch of one off the native passes is Trainer's run itself, to the bit
        assertThat(BatchedTrainer.train(List.of(r), List.of(TrainListener.NONE), false).get(0).measurements())
                .isEqualTo(b.measurements());
        TrainRequest dropped = new TrainRequest("fmnist_mlp-tiny", "adam", Map.of("learning_rate", 0.001,
                "dropout_rate", 0.2), 7, 150, fashion);
        assertThat(BatchedTrainer.aloneOnNative(dropped)).isFalse();
        assertThat(BatchedTrainer.aloneOnNative(new TrainRequest("fmnist_2c2d-tiny", "adam",
                Map.of("learning_rate", 0.001), 7, 150, fashion))).isFalse();
    }

    @Test
    void whatTheNativePassesDoNotCoverStaysOnNDArrayOps() {
        List<TrainConfig> plain = List.of(TrainConfig.of("sgd", Map.of("learning_rate", 0.1)));
        List<TrainConfig> dropout = List.of(TrainConfig.of("sgd", Map.of("learning_rate", 0.1)),
                TrainConfig.of("sgd", Map.of("learning_rate", 0.1, "dropout_rate", 0.5)));
        assertThat(NativeDense.suits(Workloads.get("fmnist_mlp"), Device.cpu(), plain)).isEqualTo(NativeDense.available());
        assertThat(NativeDense.suits(Workloads.get("fmnist_mlp"), Device.cpu(), dropout)).isFalse();
        assertThat(NativeDense.suits(Workloads.get("fmnist_2c2d"), Device.cpu(), plain)).isFalse();
        assertThat(NativeDense.suits(Workloads.get("fmnist_mlp"), Device.gpu(), plain)).isFalse();
    }

    /** 1e-4 relative, not below 1e-6 absolute (as BatchedTrainerTest's losses). */
    private static org.assertj.core.data.Offset<Double> close(double expected) {
        return within(Math.max(1e-4 * Math.abs(expected), 1e-6));
    }

    private static List<BatchedTrainerTest.Losses> listeners(int n) {
        List<BatchedTrainerTest.Losses> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new BatchedTrainerTest.Losses());
        }
        return out;
    }
}
