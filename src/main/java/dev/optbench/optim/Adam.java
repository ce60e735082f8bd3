package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam, SPEC section 2. State m = 0, v = 0; each step
 * <pre>
 *   m ← β1 m + (1 − β1) g
 *   v ← β2 v + (1 − β2) g²
 *   b = √(1 − β2^(t+1)) / (1 − β1^(t+1))
 *   θ ← θ − α_t b m / (√v + ε)
 * </pre>
 * ε is added to the uncorrected √v, and the bias correction b multiplies the whole step.
 */
public final class Adam extends ElementwiseOptimizer<Adam.State> {
    private final double beta1;
    private final double beta2;
    private final double epsilon;

    /** First moment m and second moment v. */
    record State(NDArray m, NDArray v) implements ParamState {
        @Override
        public List<NDArray> arrays() {
            return List.of(m, v);
        }
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        super("adam", hparams(learningRate, beta1, beta2, epsilon));
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    static Map<String, Double> hparams(double lr, double beta1, double beta2, double eps) {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("learning_rate", lr);
        h.put("beta1", beta1);
        h.put("beta2", beta2);
        h.put("epsilon", eps);
        return h;
    }

    /** b = √(1 − β2^(t+1)) / (1 − β1^(t+1)). */
    static double biasCorrection(double beta1, double beta2, long t) {
        return Math.sqrt(1 - Math.pow(beta2, t + 1)) / (1 - Math.pow(beta1, t + 1));
    }

    static State zeros(NDArray param, NDManager manager) {
        return new State(manager.zeros(param.getShape(), param.getDataType()),
                manager.zeros(param.getShape(), param.getDataType()));
    }

    static void updateMoments(State s, NDArray grad, double beta1, double beta2) {
        s.m().muli(beta1).addi(grad.mul(1 - beta1));
        s.v().muli(beta2).addi(grad.square().muli(1 - beta2));
    }

    @Override
    State initState(NDArray param, NDManager manager) {
        return zeros(param, manager);
    }

    @Override
    void update(NDArray param, NDArray grad, State s, long t, double lr) {
        updateMoments(s, grad, beta1, beta2);
        double b = biasCorrection(beta1, beta2, t);
        param.subi(s.m().mul(lr * b).divi(s.v().sqrt().addi(epsilon)));
    }
}
