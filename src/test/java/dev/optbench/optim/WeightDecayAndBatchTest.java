package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.optbench.InputException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Decoupled weight decay from θ before the step (SPEC section 2) and K stacked trials (SPEC section 10). */
class WeightDecayAndBatchTest {
    @Test
    void weightDecayUsesTheParametersBeforeTheStep() {
        // momentum γ = 0.5, λ = 0.1, θ0 = 2, gradients 0.5, 0.2, rates 0.1, 0.05:
        // step 1: v = 0.5;  θ1 = 2 − 0.1·0.1·2 − 0.1·0.5 = 1.93
        // step 2: v = 0.45; θ2 = 1.93 − 0.05·0.1·1.93 − 0.05·0.45 = 1.89785
        // (decay from θ after the step would give 1.9295 and 1.89736...)
        try (NDManager m = NDManager.newBaseManager();
                Optimizer opt = Optimizers.create("momentum",
                        Map.of("learning_rate", 0.1, "momentum", 0.5, "weight_decay", 0.1))) {
            NDArray theta = m.create(new double[] {2.0});
            opt.step(List.of(theta), List.of(m.create(new double[] {0.5})), 0, 0.1);
            assertThat(theta.toDoubleArray()[0]).isCloseTo(1.93, within(1e-15));
            opt.step(List.of(theta), List.of(m.create(new double[] {0.2})), 1, 0.05);
            assertThat(theta.toDoubleArray()[0]).isCloseTo(1.89785, within(1e-15));
        }
    }

    @Test
    void adamWeightDecayIsAddedToTheBiasCorrectedStep() {
        // β1 = 0.5, β2 = 0.75, ε = 0.1, λ = 0.5, θ0 = 1, g = 0.5, α = 0.1: m = 0.25, v = 0.0625, b = 1
        // θ1 = 1 − 0.1·0.5·1 − 0.1·0.25/(0.25 + 0.1)
        try (NDManager m = NDManager.newBaseManager();
                Optimizer opt = Optimizers.create("adam", Map.of("learning_rate", 0.1, "beta1", 0.5,
                        "beta2", 0.75, "epsilon", 0.1, "weight_decay", 0.5))) {
            NDArray theta = m.create(new double[] {1.0});
            opt.step(List.of(theta), List.of(m.create(new double[] {0.5})), 0, 0.1);
            assertThat(theta.toDoubleArray()[0]).isCloseTo(1 - 0.05 - 0.025 / 0.35, within(1e-15));
        }
    }

    @Test
    void negativeWeightDecayIsRefused() {
        assertThatThrownBy(() -> Optimizers.create("sgd", Map.of("learning_rate", 0.1, "weight_decay", -1.0)))
                .isInstanceOf(InputException.class).hasMessageContaining("weight_decay");
    }

    /** Each trial of a batch follows exactly the trajectory it follows alone, for every rule. */
    @Test
    void everyTrialOfABatchMatchesItsSingleRun() {
        List<Map<String, Double>> trials = List.of(
                Map.of("learning_rate", 0.1, "momentum", 0.5, "beta1", 0.5, "rho", 0.8),
                Map.of("learning_rate", 0.02, "momentum", 0.9, "beta2", 0.9, "epsilon", 0.01, "weight_decay", 0.1),
                Map.of("learning_rate", 0.3, "momentum", 0.0, "beta1", 0.0, "rho", 1.0, "epsilon", 0.0));
        for (String name : Optimizers.names()) {
            compare(name, TrialHparams.of(name, trials));
        }
    }

    private static void compare(String name, List<Map<String, Double>> trials) {
        int k = trials.size();
        int steps = 5;
        SplittableRandom random = new SplittableRandom(7);
        double[][][] grads = new double[steps][k][6]; // per step, trial: a [2,3] weight
        for (double[][] s : grads) {
            for (double[] t : s) {
                for (int i = 0; i < t.length; i++) {
                    t[i] = random.nextDouble(-1, 1);
                }
            }
        }
        double[][] start = new double[k][6];
        for (double[] t : start) {
            for (int i = 0; i < t.length; i++) {
                t[i] = random.nextDouble(-1, 1);
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] single = new double[k][];
            for (int j = 0; j < k; j++) {
                try (Optimizer opt = Optimizers.create(name, trials.get(j))) {
                    NDArray theta = m.create(start[j], new Shape(2, 3));
                    for (int s = 0; s < steps; s++) {
                        opt.step(List.of(theta), List.of(m.create(grads[s][j], new Shape(2, 3))), s, rate(j, s));
                    }
                    single[j] = theta.toDoubleArray();
                }
            }
            try (BatchedOptimizer opt = Optimizers.createBatched(name, trials)) {
                NDArray theta = m.create(flatten(start), new Shape(k, 2, 3));
                for (int s = 0; s < steps; s++) {
                    double[] rates = new double[k];
                    for (int j = 0; j < k; j++) {
                        rates[j] = rate(j, s);
                    }
                    opt.step(List.of(theta), List.of(m.create(flatten(grads[s]), new Shape(k, 2, 3))), s, rates);
                }
                double[] got = theta.toDoubleArray();
                for (int j = 0; j < k; j++) {
                    for (int i = 0; i < 6; i++) {
                        assertThat(got[j * 6 + i]).as("%s trial %d element %d", name, j, i)
                                .isCloseTo(single[j][i], within(1e-15));
                    }
                }
            }
        }
    }

    private static double rate(int trial, int step) {
        return (0.1 + trial * 0.05) / (1 + step);
    }

    @Test
    void retainDropsATrialAndTheOthersCarryOn() {
        List<Map<String, Double>> trials = List.of(Map.of("learning_rate", 0.1), Map.of("learning_rate", 1e9),
                Map.of("learning_rate", 0.2));
        try (NDManager m = NDManager.newBaseManager();
                BatchedOptimizer opt = Optimizers.createBatched("adam", trials);
                Optimizer alone = Optimizers.create("adam", Map.of("learning_rate", 0.2))) {
            NDArray theta = m.create(new float[] {1, 1, 1}, new Shape(3, 1));
            NDArray single = m.create(new float[] {1}, new Shape(1));
            float[][] g = {{0.5f, 0.5f, 0.5f}, {-0.2f, -0.2f, -0.2f}, {0.3f, 0.3f, 0.3f}};
            opt.step(List.of(theta), List.of(m.create(g[0], new Shape(3, 1))), 0, new double[] {0.1, 1e9, 0.2});
            alone.step(List.of(single), List.of(m.create(new float[] {g[0][2]})), 0, 0.2);
            opt.retain(new int[] {0, 2});
            assertThat(opt.trials()).isEqualTo(2);
            assertThat(opt.hyperparameters().get(1).get("learning_rate")).isEqualTo(0.2);
            NDArray kept = m.create(new float[] {theta.toFloatArray()[0], theta.toFloatArray()[2]}, new Shape(2, 1));
            for (int s = 1; s < 3; s++) {
                opt.step(List.of(kept), List.of(m.create(new float[] {g[s][0], g[s][2]}, new Shape(2, 1))), s,
                        new double[] {0.1, 0.2});
                alone.step(List.of(single), List.of(m.create(new float[] {g[s][2]})), s, 0.2);
            }
            assertThat(kept.toFloatArray()[1]).isEqualTo(single.toFloatArray()[0]);
            assertThat(kept.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThatThrownBy(() -> opt.retain(new int[] {1, 0})).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void parametersWithoutTheTrialAxisAreRefused() {
        try (NDManager m = NDManager.newBaseManager();
                BatchedOptimizer opt = Optimizers.createBatched("sgd",
                        List.of(Map.of("learning_rate", 0.1), Map.of("learning_rate", 0.2)))) {
            NDArray theta = m.zeros(new Shape(3, 4));
            assertThatThrownBy(() -> opt.step(List.of(theta), List.of(theta.duplicate()), 0, new double[] {0.1, 0.2}))
                    .hasMessageContaining("leading axis");
        }
    }

    private static double[] flatten(double[][] rows) {
        double[] out = new double[rows.length * rows[0].length];
        for (int j = 0; j < rows.length; j++) {
            System.arraycopy(rows[j], 0, out, j * rows[j].length, rows[j].length);
        }
        return out;
    }
}
