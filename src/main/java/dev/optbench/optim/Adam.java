package dev.optbench.optim;

import java.util.List;

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
final class Adam implements UpdateRule, FusedRule {
    @Override
    public String name() {
        return "adam";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.LEARNING_RATE, HyperparameterSpec.BETA1, HyperparameterSpec.BETA2,
                HyperparameterSpec.ADAM_EPSILON);
    }

    @Override
    public String formula() {
        return "m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  b = √(1−β2^(t+1)) / (1−β1^(t+1));"
                + "  θ ← θ − α_t b m / (√v + ε)   (m = v = 0 at start)";
    }

    @Override
    public List<StateInit> state() {
        return List.of(new StateInit("m", 0), new StateInit("v", 0));
    }

    /** b = √(1 − β2^(t+1)) / (1 − β1^(t+1)). */
    static double biasCorrection(double beta1, double beta2, long t) {
        return Math.sqrt(1 - Math.pow(beta2, t + 1)) / (1 - Math.pow(beta1, t + 1));
    }

    /**
     * Adam's and NAdam's per-step scalars, stepFactor = α_t · b; the kernels' c = [b1, 1 - b1, b2,
     * 1 - b2, alpha b, eps].
     */
    record Coefficients(double beta1, double oneMinusBeta1, double beta2, double oneMinusBeta2, double stepFactor,
            double epsilon) implements StepCoefficients {
        static Coefficients of(TrialValues h) {
            double beta1 = h.get("beta1");
            double beta2 = h.get("beta2");
            return new Coefficients(beta1, 1 - beta1, beta2, 1 - beta2, h.lr() * biasCorrection(beta1, beta2, h.t()),
                    h.get("epsilon"));
        }

        @Override
        public double[] values() {
            return new double[] {beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepFactor, epsilon};
        }
    }

    /** The moment updates shared with NAdam. */
    static void updateMoments(RuleStep s) {
        s.state(0).muli(s.coef(h -> Coefficients.of(h).beta1()))
                .addi(s.grad().mul(s.coef(h -> Coefficients.of(h).oneMinusBeta1())));
        s.state(1).muli(s.coef(h -> Coefficients.of(h).beta2()))
                .addi(s.grad().square().muli(s.coef(h -> Coefficients.of(h).oneMinusBeta2())));
    }

    @Override
    public void update(RuleStep s) {
        updateMoments(s);
        s.param().subi(s.state(0).mul(s.coef(h -> Coefficients.of(h).stepFactor()))
                .divi(s.state(1).sqrt().addi(s.coef(h -> Coefficients.of(h).epsilon()))));
    }

    @Override
    public FusedUpdates.Kernel kernel() {
        return FusedUpdates.Kernel.ADAM;
    }

    @Override
    public Coefficients coefficients(TrialValues h) {
        return Coefficients.of(h);
    }
}
