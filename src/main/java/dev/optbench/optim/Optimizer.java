package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;

/**
 * An optimizer of SPEC section 2 bound to its hyperparameters: it updates parameters in place
 * and keeps explicit per-parameter state. Usable from any DJL training loop: call {@link #step}
 * once per training step with the parameters and their gradients, in the same order every time.
 * Close it to free the state arrays.
 */
public interface Optimizer extends AutoCloseable {
    /** Canonical name: sgd, momentum, nesterov, rmsprop, adam, nadam. */
    String name();

    /** Every hyperparameter of this optimizer by canonical name, defaults filled in. */
    Map<String, Double> hyperparameters();

    /**
     * Applies update t (t = 0, 1, 2, ...) with scheduled learning rate {@code learningRate} to
     * each parameter in place. {@code params.get(i)} and {@code grads.get(i)} have the same shape
     * and data type (float32 or float64).
     */
    void step(List<NDArray> params, List<NDArray> grads, long t, double learningRate);

    @Override
    void close();
}
