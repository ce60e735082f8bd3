package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.workload.Layer;
import dev.optbench.workload.Network;
import dev.optbench.workload.Networks;
import dev.optbench.workload.TestData;
import dev.optbench.workload.Workloads;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one loop over its three backends: K = 1 on each, forcing a backend, and the plans built from one declaration. */
class TrialLoopTest {
    @TempDir static Path dir;
    static Path fashion;

    @BeforeAll
    static void data() throws Exception {
        fashion = TestData.fashion(dir.resolve("fashion"), 300, 50);
    }

    private static TrainRequest request(Backend.Kind kind) {
        return new TrainRequest("fmnist_mlp-tiny", "adam", Map.of("learning_rate", 0.002, "l2", 0.01,
                "label_smoothing", 0.1), 5, 30, fashion).withBackend(kind);
    }

    @Test
    void oneTrialOnEachBackendFollowsThePerOpReference() {
        BatchedTrainerTest.Losses reference = new BatchedTrainerTest.Losses();
        TrainResult perOp = BatchedTrainer.train(List.of(request(Backend.Kind.PER_OP)), List.of(reference)).get(0);
        List<Backend.Kind> others = NativeNet.available() ? List.of(Backend.Kind.STACKED, Backend.Kind.NATIVE)
                : List.of(Backend.Kind.STACKED);
        for (Backend.Kind kind : others) {
            BatchedTrainerTest.Losses losses = new BatchedTrainerTest.Losses();
            TrainResult r = BatchedTrainer.train(List.of(request(kind)), List.of(losses)).get(0);
            assertThat(r.status()).as(kind.name()).isEqualTo(RunStatus.COMPLETED);
            assertThat(losses.values).as(kind.name()).hasSize(30);
            for (int i = 0; i < 30; i++) {
                double expected = reference.values.get(i);
                // float32 sums in another order: 1e-4 relative over 30 steps (as BatchedTrainerTest)
                assertThat(losses.values.get(i)).as(kind + " step " + (i + 1))
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(Math.max(1e-6, 1e-4 * Math.abs(expected))));
            }
            assertThat(r.measurements().stream().map(m -> m.step() + " " + m.split()).toList()).as(kind.name())
                    .isEqualTo(perOp.measurements().stream().map(m -> m.step() + " " + m.split()).toList());
        }
        // the reference really trained: the smoothed loss fell
        assertThat(reference.values.get(29)).isLessThan(reference.values.get(0));
    }

    @Test
    void trainerIsThePerOpBackendUnlessARequestNamesAnother() {
        TrainResult viaTrainer = Trainer.train(request(null), TrainListener.NONE);
        TrainResult perOp = BatchedTrainer.train(List.of(request(Backend.Kind.PER_OP))).get(0);
        assertThat(viaTrainer.measurements()).isEqualTo(perOp.measurements());
    }

    @Test
    void aForcedBackendTheWorkloadHasNoFormForIsRefusedBeforeAnythingIsBuilt() {
        TrainRequest lstm = new TrainRequest("char_lstm-tiny", "sgd", Map.of("learning_rate", 0.1), 1, 5, dir)
                .withBackend(Backend.Kind.STACKED);
        assertThatThrownBy(() -> Trainer.train(lstm, TrainListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend STACKED cannot train char_lstm-tiny");
        TrainRequest dropout = new TrainRequest("fmnist_mlp-tiny", "sgd", Map.of("learning_rate", 0.1,
                "dropout_rate", 0.5), 1, 5, dir).withBackend(Backend.Kind.NATIVE);
        assertThatThrownBy(() -> Trainer.train(dropout, TrainListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend NATIVE cannot train");
        TrainRequest other = request(Backend.Kind.STACKED);
        assertThatThrownBy(() -> BatchedTrainer.train(List.of(other, other.withBackend(null))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend");
    }

    @Test
    void theAutomaticChoiceIsNativeWhereItSuitsStackedForSeveralAndPerOpOtherwise() {
        TrainConfig plain = TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "sgd", Map.of("learning_rate", 0.1));
        TrainConfig dropout = TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "sgd", Map.of("learning_rate", 0.1, "dropout_rate", 0.5));
        Backend.Kind mlpAlone = NativeNet.available() ? Backend.Kind.NATIVE : Backend.Kind.PER_OP;
        Backend.Kind mlpBatch = NativeNet.available() ? Backend.Kind.NATIVE : Backend.Kind.STACKED;
        var mlp = Workloads.get("fmnist_mlp");
        var cpu = ai.djl.Device.cpu();
        assertThat(TrialLoop.kindFor(mlp, cpu, List.of(plain), 1, null, true)).isEqualTo(mlpAlone);
        assertThat(TrialLoop.kindFor(mlp, cpu, List.of(plain, plain), 2, null, true)).isEqualTo(mlpBatch);
        assertThat(TrialLoop.kindFor(mlp, cpu, List.of(plain, plain), 2, null, false)).isEqualTo(Backend.Kind.STACKED);
        assertThat(TrialLoop.kindFor(mlp, cpu, List.of(dropout), 1, null, true)).isEqualTo(Backend.Kind.PER_OP);
        assertThat(TrialLoop.kindFor(mlp, cpu, List.of(dropout, plain), 2, null, true)).isEqualTo(Backend.Kind.STACKED);
        assertThat(TrialLoop.kindFor(Workloads.get("char_lstm"), cpu, List.of(plain, plain), 2, null, true))
                .isEqualTo(Backend.Kind.PER_OP);
        assertThat(TrialLoop.kindFor(null, cpu, List.of(plain, plain), 2, null, true)).isEqualTo(Backend.Kind.PER_OP);
        assertThat(TrialLoop.kindFor(mlp, cpu, List.of(plain, plain), 2, Backend.Kind.PER_OP, true))
                .isEqualTo(Backend.Kind.PER_OP);
    }

    @Test
    void theNativePlanIsReadFromTheDeclaration() {
        assertThat(NativeNet.convBlocks(Networks.of(Workloads.get("fmnist_mlp")))).isEmpty();
        assertThat(NativeNet.convBlocks(Networks.of(Workloads.get("fmnist_2c2d-tiny"))))
                .containsExactly(new long[] {2, 2, 2, 0}, new long[] {2, 2, 2, 0});
        assertThat(NativeNet.convBlocks(Networks.of(Workloads.get("cifar10_3c3d"))))
                .containsExactly(new long[] {0, 3, 2, 1}, new long[] {0, 3, 2, 1}, new long[] {1, 3, 2, 1});
        assertThat(NativeNet.convBlocks(Networks.of(Workloads.get("cifar10_resnet32")))).isNull();
        // shapes the passes cannot run: two dense layers without a ReLU between, a conv without its pool
        assertThat(NativeNet.convBlocks(Network.of(Layer.FLATTEN, Layer.dense(8), Layer.dense(Layer.Dense.CLASSES))))
                .isNull();
        assertThat(NativeNet.convBlocks(Network.of(Layer.conv(4, 3, 1), Layer.RELU, Layer.FLATTEN,
                Layer.dense(Layer.Dense.CLASSES)))).isNull();
        assertThat(NativeNet.convBlocks(Network.of(Layer.FLATTEN, Layer.dense(8), Layer.RELU))).isNull();
    }

    @Test
    void aNewWidthIsOneDeclarationThatEveryBackendBuildsFrom() {
        Network wide = Network.of(Layer.FLATTEN, Layer.dense(48), Layer.RELU, Layer.DROPOUT,
                Layer.dense(Layer.Dense.CLASSES));
        assertThat(NativeNet.convBlocks(wide)).isEmpty();
        assertThat(wide.block(10, 0).getChildren().size()).isEqualTo(4); // flatten, dense, relu, dense
    }
}
