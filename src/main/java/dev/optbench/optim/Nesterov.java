package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Nesterov momentum, SPEC section 2. State v = 0; each step
 * <pre>
 *   v ← γ v + g
 *   θ ← θ − η_t (γ v + g)
 * </pre>
 */
public final class Nesterov extends ElementwiseOptimizer<Nesterov.State> {
    private final double gamma;

    /** Momentum buffer v. */
    record State(NDArray v) implements ParamState {
        @Override
        public List<NDArray> arrays() {
            return List.of(v);
        }
    }

    public Nesterov(double learningRate, double momentum) {
        super("nesterov", Momentum.hparams(learningRate, momentum));
        this.gamma = momentum;
    }

    @Override
    State initState(NDArray param, NDManager manager) {
        return new State(manager.zeros(param.getShape(), param.getDataType()));
    }

    @Override
    void update(NDArray param, NDArray grad, State s, long t, double lr) {
        s.v().muli(gamma).addi(grad);
        param.subi(s.v().mul(gamma).addi(grad).muli(lr));
    }
}
