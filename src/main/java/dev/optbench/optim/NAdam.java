package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * NAdam (Adam with Nesterov momentum), SPEC section 2. State m = 0, v = 0; m, v and b as in
 * {@link Adam}; then
 * <pre>
 *   θ ← θ − α_t b (β1 m + (1 − β1) g) / (√v + ε)
 * </pre>
 */
public final class NAdam extends ElementwiseOptimizer<Adam.State> {
    private final double beta1;
    private final double beta2;
    private final double epsilon;

    public NAdam(double learningRate, double beta1, double beta2, double epsilon) {
        super("nadam", Adam.hparams(learningRate, beta1, beta2, epsilon));
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    Adam.State initState(NDArray param, NDManager manager) {
        return Adam.zeros(param, manager);
    }

    @Override
    void update(NDArray param, NDArray grad, Adam.State s, long t, double lr) {
        Adam.updateMoments(s, grad, beta1, beta2);
        double b = Adam.biasCorrection(beta1, beta2, t);
        NDArray lookahead = s.m().mul(beta1).addi(grad.mul(1 - beta1));
        param.subi(lookahead.muli(lr * b).divi(s.v().sqrt().addi(epsilon)));
    }
}
