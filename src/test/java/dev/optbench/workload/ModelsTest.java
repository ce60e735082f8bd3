package dev.optbench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import dev.optbench.InputException;
import org.junit.jupiter.api.Test;

class ModelsTest {
    private static NDArray forward(Block block, NDManager m, NDArray x) {
        block.setInitializer(new NormalInitializer(0.1f), p -> true);
        block.initialize(m, DataType.FLOAT32, x.getShape());
        return block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
    }

    @Test
    void everyTinyImageModelMapsABatchToClassLogits() {
        String[][] cases = {
            {"fmnist_mlp-tiny", "1,28,28", "10"}, {"fmnist_2c2d-tiny", "1,28,28", "10"},
            {"cifar10_3c3d-tiny", "3,32,32", "10"}, {"cifar100_3c3d-tiny", "3,32,32", "100"},
            {"cifar10_resnet32-tiny", "3,32,32", "10"}, {"cifar10_vgg16-tiny", "3,32,32", "10"},
            {"imagenet_resnet50-tiny", "3,64,64", "1000"},
        };
        for (String[] c : cases) {
            Workload w = Workloads.get(c[0]);
            int classes = Integer.parseInt(c[2]);
            String[] dims = c[1].split(",");
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.randomNormal(new Shape(2, Long.parseLong(dims[0]), Long.parseLong(dims[1]),
                        Long.parseLong(dims[2])));
                NDArray out = forward(Models.build(w, classes, 0.0), m, x);
                assertThat(out.getShape()).as(c[0]).isEqualTo(new Shape(2, classes));
            }
        }
    }

    @Test
    void fullSizeModelsHaveTheirSpecParameterCounts() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block mlp = Models.build(Workloads.get("fmnist_mlp"), 10, 0);
            forward(mlp, m, m.zeros(new Shape(1, 1, 28, 28)));
            // 784·256+256 + 256·256+256 + 256·10+10
            assertThat(count(mlp)).isEqualTo(784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10);
            Block cnn = Models.build(Workloads.get("fmnist_2c2d"), 10, 0);
            forward(cnn, m, m.zeros(new Shape(1, 1, 28, 28)));
            // conv 5·5·1·32+32, conv 5·5·32·64+64, fc 7·7·64·1024+1024, fc 1024·10+10 (DeepOBS 2c2d)
            assertThat(count(cnn)).isEqualTo(832 + 51264 + 3212288 + 10250);
        }
    }

    @Test
    void benchmarkedModelsHaveTheParameterCountsOfTheirPyTorchTwins() {
        // Counts printed by bench/torch_models.py's models (nn.LSTM has two bias vectors per gate set).
        Object[][] cases = {
            {"char_lstm", new Shape(1, 50), 83, 251_859L}, {"char_lstm-tiny", new Shape(1, 20), 83, 17_715L},
            {"fmnist_2c2d", new Shape(1, 1, 28, 28), 10, 3_274_634L}, {"fmnist_2c2d-tiny", new Shape(1, 1, 28, 28), 10, 54_314L},
            {"fmnist_mlp", new Shape(1, 1, 28, 28), 10, 269_322L}, {"fmnist_mlp-tiny", new Shape(1, 1, 28, 28), 10, 55_050L},
        };
        for (Object[] c : cases) {
            try (NDManager m = NDManager.newBaseManager()) {
                Block b = Models.build(Workloads.get((String) c[0]), (Integer) c[2], 0);
                forward(b, m, m.zeros((Shape) c[1]));
                assertThat(count(b)).as((String) c[0]).isEqualTo((Long) c[3]);
            }
        }
    }

    private static long count(Block b) {
        long n = 0;
        for (var p : b.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    @Test
    void textModelsPredictEveryPositionAndTheTransformerIsCausal() {
        for (String name : new String[] {"char_lstm-tiny", "lm_transformer-tiny"}) {
            Workload w = Workloads.get(name);
            try (NDManager m = NDManager.newBaseManager()) {
                float[] tokens = new float[2 * 20];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = i % 7;
                }
                Block block = Models.build(w, 7, 0);
                NDArray out = forward(block, m, m.create(tokens, new Shape(2, 20)));
                assertThat(out.getShape()).as(name).isEqualTo(new Shape(2, 20, 7));
                // Changing the last token must not change any earlier prediction.
                tokens[19] = 6 - tokens[19];
                NDArray changed = block.forward(new ParameterStore(m, false),
                        new NDList(m.create(tokens, new Shape(2, 20))), false).singletonOrThrow();
                float[] a = out.get("0, 0:19").toFloatArray();
                float[] b = changed.get("0, 0:19").toFloatArray();
                assertThat(b).as(name).containsExactly(a, org.assertj.core.api.Assertions.within(1e-5f));
                assertThat(changed.get("0, 19").toFloatArray()).isNotEqualTo(out.get("0, 19").toFloatArray());
            }
        }
    }

    @Test
    void workloadRegistryListsEverySpecWorkloadWithATinyVariant() {
        String[] spec = {"fmnist_2c2d", "fmnist_mlp", "cifar10_3c3d", "cifar100_3c3d", "cifar10_resnet32",
            "cifar10_vgg16", "char_lstm", "lm_transformer", "imagenet_resnet50"};
        assertThat(Workloads.all()).hasSize(2 * spec.length);
        for (String name : spec) {
            assertThat(Workloads.get(name).tiny()).isFalse();
            assertThat(Workloads.get(name + "-tiny").tiny()).isTrue();
            assertThat(Workloads.get(name + "-tiny").stepBudget()).isLessThanOrEqualTo(500);
        }
        assertThat(Workloads.get("fmnist_mlp").batchSize()).isEqualTo(128);
        assertThatThrownBy(() -> Workloads.get("mnist"))
                .isInstanceOf(InputException.class).hasMessageContaining("unknown workload 'mnist'")
                .hasMessageContaining("fmnist_mlp-tiny");
    }
}
