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

    @Override
    public void update(RuleStep s) {
        s.param().subi(s.grad().mul(s.coef(TrialValues::lr)));
    }

    @Override
    public FusedUpdates.Kernel kernel() {
        return FusedUpdates.Kernel.SGD;
    }

    @Override
    public double[] coefficients(TrialValues h) {
        return new double[] {h.lr()};
    }
}
