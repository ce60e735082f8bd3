package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.optbench.InputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizersTest {
    @Test
    void namesAndHyperparametersInCanonicalOrderWithSpecDefaults() {
        assertThat(Optimizers.names()).containsExactly("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam");
        assertThat(Optimizers.hyperparameters("rmsprop")).extracting(HyperparameterSpec::name)
                .containsExactly("learning_rate", "momentum", "rho", "epsilon", "weight_decay");
        assertThat(Optimizers.hyperparameters("rmsprop")).extracting(HyperparameterSpec::defaultValue)
                .containsExactly(null, 0.9, 0.9, 1e-10, 0.0);
        assertThat(Optimizers.hyperparameters("nadam")).extracting(HyperparameterSpec::defaultValue)
                .containsExactly(null, 0.9, 0.999, 1e-8, 0.0);
        try (Optimizer adam = Optimizers.create("adam", Map.of("learning_rate", 0.01))) {
            assertThat(adam.name()).isEqualTo("adam");
            assertThat(adam.hyperparameters()).containsExactly(Map.entry("learning_rate", 0.01),
                    Map.entry("beta1", 0.9), Map.entry("beta2", 0.999), Map.entry("epsilon", 1e-8),
                    Map.entry("weight_decay", 0.0));
        }
    }

    @Test
    void badHyperparametersAreRejectedWithValueAndRange() {
        assertThatThrownBy(() -> Optimizers.create("adam", Map.of("learning_rate", 0.1, "beta1", 1.2)))
                .isInstanceOf(InputException.class)
                .hasMessage("beta1 = 1.2 is out of range for adam: need 0 ≤ beta1 < 1");
        assertThatThrownBy(() -> Optimizers.create("nadam", Map.of("learning_rate", 0.1, "beta2", 1.0)))
                .hasMessage("beta2 = 1 is out of range for nadam: need 0 ≤ beta2 < 1");
        assertThatThrownBy(() -> Optimizers.create("momentum", Map.of("learning_rate", 0.1, "momentum", -0.1)))
                .hasMessage("momentum = -0.1 is out of range for momentum: need 0 ≤ momentum < 1");
        assertThatThrownBy(() -> Optimizers.create("rmsprop", Map.of("learning_rate", 0.1, "rho", 0.0)))
                .hasMessage("rho = 0 is out of range for rmsprop: need 0 < rho ≤ 1");
        assertThatThrownBy(() -> Optimizers.create("rmsprop", Map.of("learning_rate", 0.1, "epsilon", -1e-3)))
                .hasMessage("epsilon = -0.001 is out of range for rmsprop: need epsilon ≥ 0");
        assertThatThrownBy(() -> Optimizers.create("sgd", Map.of("learning_rate", 0.0)))
                .hasMessage("learning_rate = 0 is out of range for sgd: need learning_rate > 0");
        assertThatThrownBy(() -> Optimizers.create("sgd", Map.of("learning_rate", Double.NaN)))
                .hasMessage("learning_rate = NaN is out of range for sgd: need learning_rate > 0");
        assertThatThrownBy(() -> Optimizers.create("sgd", Map.of()))
                .hasMessage("learning_rate is required for sgd: give a value learning_rate > 0");
        assertThatThrownBy(() -> Optimizers.create("sgd", Map.of("learning_rate", 0.1, "momentum", 0.9)))
                .hasMessage("unknown hyperparameter 'momentum' for sgd: it takes learning_rate, weight_decay");
        assertThatThrownBy(() -> Optimizers.create("adam", Map.of("learning_rate", 0.1, "decay_factor", 0.5)))
                .hasMessage("unknown hyperparameter 'decay_factor' for adam: it takes learning_rate, beta1, beta2, epsilon, weight_decay");
        assertThatThrownBy(() -> Optimizers.create("adagrad", Map.of("learning_rate", 0.1)))
                .hasMessage("unknown optimizer 'adagrad': choose one of sgd, momentum, nesterov, rmsprop, adam, nadam");
    }

    @Test
    void limitValuesOfTheInclusionsAreAccepted() {
        // rho = 1 with epsilon = 0 is how rmsprop reproduces momentum exactly (SPEC section 4).
        Optimizers.create("rmsprop", Map.of("learning_rate", 0.1, "rho", 1.0, "epsilon", 0.0)).close();
        Optimizers.create("momentum", Map.of("learning_rate", 0.1, "momentum", 0.0)).close();
    }

    @Test
    void stepsFreeTheirTemporariesAndCloseFreesTheState() {
        for (String name : Optimizers.names()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray theta = manager.randomNormal(new Shape(64)).toType(DataType.FLOAT32, false);
                NDArray grad = manager.randomNormal(new Shape(64)).toType(DataType.FLOAT32, false);
                NDArray bias = manager.zeros(new Shape(3, 4), DataType.FLOAT32);
                NDArray biasGrad = manager.ones(new Shape(3, 4), DataType.FLOAT32);
                List<NDArray> params = List.of(theta, bias);
                List<NDArray> grads = List.of(grad, biasGrad);
                int before = manager.getManagedArrays().size();
                SingleTrialOptimizer opt = (SingleTrialOptimizer) Optimizers.create(name, Map.of("learning_rate", 1e-3));
                opt.step(params, grads, 0, 1e-3);
                int stateArrays = opt.stateArrayCount();
                for (int t = 1; t < 500; t++) {
                    opt.step(params, grads, t, 1e-3);
                }
                assertThat(opt.stateArrayCount()).as(name).isEqualTo(stateArrays)
                        .isEqualTo(2 * opt.stateArraysPerParameter());
                assertThat(manager.getManagedArrays()).as(name).hasSize(before);
                assertThat(bias.getShape()).isEqualTo(new Shape(3, 4));
                assertThat(bias.toFloatArray()[0]).as(name).isNegative(); // moved against the gradient
                opt.close();
                assertThat(opt.stateArrayCount()).isZero();
            }
        }
    }

    @Test
    void mismatchedParametersAndGradientsAreRejected() {
        try (NDManager manager = NDManager.newBaseManager();
                Optimizer opt = Optimizers.create("momentum", Map.of("learning_rate", 0.1))) {
            NDArray a = manager.zeros(new Shape(3));
            assertThatThrownBy(() -> opt.step(List.of(a), List.of(manager.zeros(new Shape(4))), 0, 0.1))
                    .hasMessageContaining("shape");
            assertThatThrownBy(() -> opt.step(List.of(a), List.of(a.toType(DataType.FLOAT64, false)), 0, 0.1))
                    .hasMessageContaining("float64");
        }
    }
}
