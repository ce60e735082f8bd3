package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * Plain gradient descent, SPEC section 2: θ ← θ − η_t g. No state.
 */
public final class Sgd extends ElementwiseOptimizer<Sgd.State> {
    /** SGD keeps nothing. */
    record State() implements ParamState {
        @Override
        public List<NDArray> arrays() {
            return List.of();
        }
    }

    public Sgd(double learningRate) {
        super("sgd", Map.of("learning_rate", learningRate));
    }

    @Override
    State initState(NDArray param, NDManager manager) {
        return new State();
    }

    @Override
    void update(NDArray param, NDArray grad, State state, long t, double lr) {
        param.subi(grad.mul(lr));
    }
}
