package dev.optbench.optim;

import java.util.List;

/**
 * Nesterov momentum, SPEC section 2. State v = 0; each step
 * <pre>
 *   v ← γ v + g
 *   θ ← θ − η_t (γ v + g)
 * </pre>
 */
final class Nesterov implements UpdateRule, FusedRule {
    @Override
    public String name() {
        return "nesterov";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.LEARNING_RATE, HyperparameterSpec.MOMENTUM);
    }

    @Override
    public String formula() {
        return "v ← γ v + g;  θ ← θ − η_t (γ v + g)   (v = 0 at start)";
    }

    @Override
    public List<StateInit> state() {
        return List.of(new StateInit("v", 0));
    }

    @Override
    public void update(RuleStep s) {
        var gamma = s.coef(h -> Momentum.Coefficients.of(h).momentum());
        s.state(0).muli(gamma).addi(s.grad());
        s.param().subi(s.state(0).mul(gamma).addi(s.grad()).muli(s.coef(h -> Momentum.Coefficients.of(h).lr())));
    }

    @Override
    public FusedUpdates.Kernel kernel() {
        return FusedUpdates.Kernel.NESTEROV;
    }

    @Override
    public Momentum.Coefficients coefficients(TrialValues h) {
        return Momentum.Coefficients.of(h);
    }
}
