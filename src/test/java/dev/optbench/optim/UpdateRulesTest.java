package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each rule of SPEC section 2 against values worked out by hand for three steps. One scalar
 * trajectory θ0 = 1 with gradients 0.5, 0.2, −0.3 and scheduled rates 0.1, 0.05, 0.02; the second
 * element is its mirror image (θ0 = −1, gradients negated), which every rule must map to −θ.
 */
class UpdateRulesTest {
    private static final double[] GRADS = {0.5, 0.2, -0.3};
    private static final double[] RATES = {0.1, 0.05, 0.02};

    @Test
    void sgd() {
        // θ ← θ − η g
        assertTrajectory("sgd", Map.of("learning_rate", 0.1),
                1 - 0.1 * 0.5, 0.95 - 0.05 * 0.2, 0.94 + 0.02 * 0.3);
    }

    @Test
    void momentum() {
        // γ = 0.5: v = 0.5, 0.25 + 0.2 = 0.45, 0.225 − 0.3 = −0.075
        assertTrajectory("momentum", Map.of("learning_rate", 0.1, "momentum", 0.5),
                1 - 0.1 * 0.5, 0.95 - 0.05 * 0.45, 0.9275 + 0.02 * 0.075);
    }

    @Test
    void nesterov() {
        // v as momentum; step γv + g = 0.75, 0.425, −0.3375
        assertTrajectory("nesterov", Map.of("learning_rate", 0.1, "momentum", 0.5),
                1 - 0.1 * 0.75, 0.925 - 0.05 * 0.425, 0.90375 + 0.02 * 0.3375);
    }

    @Test
    void rmspropStartsWithVEqualOneAndPutsTheRateIntoTheBuffer() {
        // ρ = 0.5, ε = 0.375, γ = 0.5; v starts at 1:
        // v1 = 0.5 + 0.5·0.25 = 0.625 → v1 + ε = 1 → m1 = 0.1·0.5/1 = 0.05
        // v2 = 0.3125 + 0.5·0.04 = 0.3325 → m2 = 0.5·0.05 + 0.05·0.2/√0.7075
        // v3 = 0.16625 + 0.5·0.09 = 0.21125 → m3 = 0.5·m2 − 0.02·0.3/√0.58625
        double m2 = 0.025 + 0.05 * 0.2 / Math.sqrt(0.7075);
        double m3 = 0.5 * m2 - 0.02 * 0.3 / Math.sqrt(0.58625);
        assertTrajectory("rmsprop",
                Map.of("learning_rate", 0.1, "momentum", 0.5, "rho", 0.5, "epsilon", 0.375),
                0.95, 0.95 - m2, 0.95 - m2 - m3);
    }

    @Test
    void adamCorrectsTheWholeStepAndAddsEpsilonToTheUncorrectedRoot() {
        // β1 = 0.5, β2 = 0.75, ε = 0.1
        // m = 0.25, 0.225, −0.0375; v = 0.0625, 0.056875, 0.06515625
        // b0 = √0.25/0.5 = 1, b1 = √0.4375/0.75, b2 = √0.578125/0.875
        double t1 = 1 - 0.1 * 1 * 0.25 / (0.25 + 0.1);
        double t2 = t1 - 0.05 * (Math.sqrt(0.4375) / 0.75) * 0.225 / (Math.sqrt(0.056875) + 0.1);
        double t3 = t2 + 0.02 * (Math.sqrt(0.578125) / 0.875) * 0.0375 / (Math.sqrt(0.06515625) + 0.1);
        assertTrajectory("adam",
                Map.of("learning_rate", 0.1, "beta1", 0.5, "beta2", 0.75, "epsilon", 0.1),
                t1, t2, t3);
    }

    @Test
    void nadamUsesTheLookaheadMoment() {
        // m, v, b as adam; β1 m + (1 − β1) g = 0.375, 0.2125, −0.16875
        double t1 = 1 - 0.1 * 1 * 0.375 / (0.25 + 0.1);
        double t2 = t1 - 0.05 * (Math.sqrt(0.4375) / 0.75) * 0.2125 / (Math.sqrt(0.056875) + 0.1);
        double t3 = t2 + 0.02 * (Math.sqrt(0.578125) / 0.875) * 0.16875 / (Math.sqrt(0.06515625) + 0.1);
        assertTrajectory("nadam",
                Map.of("learning_rate", 0.1, "beta1", 0.5, "beta2", 0.75, "epsilon", 0.1),
                t1, t2, t3);
    }

    @Test
    void adamInFloat32StaysFloat32AndAgreesToSinglePrecision() {
        double t1 = 1 - 0.1 * 1 * 0.25 / (0.25 + 0.1);
        double t2 = t1 - 0.05 * (Math.sqrt(0.4375) / 0.75) * 0.225 / (Math.sqrt(0.056875) + 0.1);
        double[] got = run("adam",
                Map.of("learning_rate", 0.1, "beta1", 0.5, "beta2", 0.75, "epsilon", 0.1),
                DataType.FLOAT32, 2);
        assertThat(got[0]).isCloseTo(t1, within(1e-6));
        assertThat(got[1]).isCloseTo(t2, within(1e-6));
    }

    private static void assertTrajectory(String name, Map<String, Double> hparams, double... expected) {
        double[] got = run(name, hparams, DataType.FLOAT64, expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(got[i]).as("%s θ after step %d", name, i + 1).isCloseTo(expected[i], within(1e-14));
        }
    }

    /** θ of the first element after each step; checks the mirrored element and the dtype too. */
    private static double[] run(String name, Map<String, Double> hparams, DataType type, int steps) {
        double[] out = new double[steps];
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer opt = Optimizers.create(name, hparams)) {
            NDArray theta = manager.create(new double[] {1, -1}).toType(type, false);
            for (int t = 0; t < steps; t++) {
                NDArray grad = manager.create(new double[] {GRADS[t], -GRADS[t]}).toType(type, false);
                opt.step(List.of(theta), List.of(grad), t, RATES[t]);
                assertThat(theta.getDataType()).isEqualTo(type);
                double[] values = theta.toType(DataType.FLOAT64, false).toDoubleArray();
                assertThat(values[1]).isEqualTo(-values[0]);
                out[t] = values[0];
                grad.close();
            }
        }
        return out;
    }
}
