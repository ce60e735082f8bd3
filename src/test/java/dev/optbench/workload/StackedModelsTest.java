package dev.optbench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stacked network of K trials computes, in slice k, what trial k's own block computes. */
class StackedModelsTest {
    private static final String[] BATCHED = {"fmnist_mlp", "fmnist_mlp-tiny", "fmnist_2c2d", "fmnist_2c2d-tiny",
        "cifar10_3c3d", "cifar10_3c3d-tiny"};

    @Test
    void eachTrialsSliceGivesItsOwnBlocksLogitsWithItsOwnOrASharedBatch() {
        for (String name : BATCHED) {
            Workload w = Workloads.get(name);
            assertThat(StackedModels.supports(w)).as(name).isTrue();
            long[] features = w.dataset() == DatasetKind.FASHION_MNIST ? new long[] {1, 28, 28} : new long[] {3, 32, 32};
            int k = 3;
            int batch = 4;
            try (NDManager m = NDManager.newBaseManager()) {
                List<Block> blocks = new ArrayList<>();
                List<NDArray> inputs = new ArrayList<>();
                long perTrial = 0;
                for (int t = 0; t < k; t++) {
                    Block b = Models.build(w, 10, 0);
                    b.setInitializer(new NormalInitializer(0.05f), p -> true); // random: each trial its own weights
                    b.initialize(m, DataType.FLOAT32, Models.inputShape(batch, features));
                    blocks.add(b);
                    inputs.add(m.randomUniform(-1f, 1f, Models.inputShape(batch, features)));
                }
                List<NDArray> stacked = new ArrayList<>();
                int count = blocks.get(0).getParameters().size();
                for (int i = 0; i < count; i++) {
                    NDList slices = new NDList();
                    for (Block b : blocks) {
                        slices.add(StackedModels.stackedLayout(b.getParameters().get(i).getValue().getArray()));
                    }
                    stacked.add(NDArrays.stack(slices));
                }
                long total = stacked.stream().mapToLong(NDArray::size).sum();
                for (var p : blocks.get(0).getParameters()) {
                    perTrial += p.getValue().getArray().size();
                }
                assertThat(total).as(name + " parameters").isEqualTo(k * perTrial);
                NDArray own = StackedModels.forward(w, stacked, NDArrays.stack(new NDList(inputs)), false, x -> x);
                NDArray shared = StackedModels.forward(w, stacked, inputs.get(0), true, x -> x);
                assertThat(own.getShape()).isEqualTo(new Shape(k, batch, 10));
                for (int t = 0; t < k; t++) {
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray alone = blocks.get(t).forward(ps, new NDList(inputs.get(t)), false).singletonOrThrow();
                    NDArray onFirst = blocks.get(t).forward(ps, new NDList(inputs.get(0)), false).singletonOrThrow();
                    float scale = alone.abs().max().getFloat() + 1e-3f;
                    assertThat(own.get(t).sub(alone).abs().max().getFloat()).as(name + " trial " + t)
                            .isLessThan(1e-5f * 100 * scale);
                    assertThat(shared.get(t).sub(onFirst).abs().max().getFloat()).as(name + " shared, trial " + t)
                            .isLessThan(1e-5f * 100 * scale);
                }
                assertThat(own.get(0).sub(own.get(1)).abs().max().getFloat()).isGreaterThan(0f);
            }
        }
        assertThat(StackedModels.supports(Workloads.get("char_lstm-tiny"))).isFalse();
        assertThat(StackedModels.supports(Workloads.get("cifar10_resnet32"))).isFalse();
    }
}
