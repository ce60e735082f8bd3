package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heavy-ball momentum, SPEC section 2. State v = 0; each step
 * <pre>
 *   v ← γ v + g
 *   θ ← θ − η_t v
 * </pre>
 * The learning rate multiplies the buffer at use, so a schedule changes the step at once.
 */
public final class Momentum extends ElementwiseOptimizer<Momentum.State> {
    private final double gamma;

    /** Momentum buffer v. */
    record State(NDArray v) implements ParamState {
        @Override
        public List<NDArray> arrays() {
            return List.of(v);
        }
    }

    public Momentum(double learningRate, double momentum) {
        super("momentum", hparams(learningRate, momentum));
        this.gamma = momentum;
    }

    static Map<String, Double> hparams(double learningRate, double momentum) {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("learning_rate", learningRate);
        h.put("momentum", momentum);
        return h;
    }

    @Override
    State initState(NDArray param, NDManager manager) {
        return new State(manager.zeros(param.getShape(), param.getDataType()));
    }

    @Override
    void update(NDArray param, NDArray grad, State s, long t, double lr) {
        s.v().muli(gamma).addi(grad);
        param.subi(s.v().mul(lr));
    }
}
