package dev.optbench.optim;

import java.util.List;

/** Plain gradient descent, SPEC section 2: θ ← θ − η_t g. No state. */
final class Sgd implements UpdateRule, FusedRule {
    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.LEARNING_RATE);
    }

    @Override
    public String formula() {
        return "θ ← θ − η_t g";
    }

    @Override
    public List<StateInit> state() {
        return List.of();
    }

    /** SGD's per-step scalars; the kernel's c = [eta]. */
    record Coefficients(double lr) implements StepCoefficients {
        static Coefficients of(TrialValues h) {
            return new Coefficients(h.lr());
        }

        @Override
        public double[] values() {
            return new double[] {lr};
        }
    }

    @Override
    public void update(RuleStep s) {
        s.param().subi(s.grad().mul(s.coef(h -> Coefficients.of(h).lr())));
    }

    @Override
    public FusedUpdates.Kernel kernel() {
        return FusedUpdates.Kernel.SGD;
    }

    @Override
    public Coefficients coefficients(TrialValues h) {
        return Coefficients.of(h);
    }
}
