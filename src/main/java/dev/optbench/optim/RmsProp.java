package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSProp with momentum, SPEC section 2 (TensorFlow's parametrization, not PyTorch's). State
 * v = 1, m = 0; each step
 * <pre>
 *   v ← ρ v + (1 − ρ) g²
 *   m ← γ m + η_t g / √(v + ε)
 *   θ ← θ − m
 * </pre>
 * ε sits inside the square root, v starts at 1, and the learning rate enters the momentum buffer.
 */
public final class RmsProp extends ElementwiseOptimizer<RmsProp.State> {
    private final double gamma;
    private final double rho;
    private final double epsilon;

    /** Second-moment estimate v and momentum buffer m. */
    record State(NDArray v, NDArray m) implements ParamState {
        @Override
        public List<NDArray> arrays() {
            return List.of(v, m);
        }
    }

    public RmsProp(double learningRate, double momentum, double rho, double epsilon) {
        super("rmsprop", hparams(learningRate, momentum, rho, epsilon));
        this.gamma = momentum;
        this.rho = rho;
        this.epsilon = epsilon;
    }

    private static Map<String, Double> hparams(double lr, double momentum, double rho, double eps) {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("learning_rate", lr);
        h.put("momentum", momentum);
        h.put("rho", rho);
        h.put("epsilon", eps);
        return h;
    }

    @Override
    State initState(NDArray param, NDManager manager) {
        return new State(manager.ones(param.getShape(), param.getDataType()),
                manager.zeros(param.getShape(), param.getDataType()));
    }

    @Override
    void update(NDArray param, NDArray grad, State s, long t, double lr) {
        s.v().muli(rho).addi(grad.square().muli(1 - rho));
        s.m().muli(gamma).addi(grad.mul(lr).divi(s.v().add(epsilon).sqrt()));
        param.subi(s.m());
    }
}
