package dev.optbench.optim;

import java.util.List;

/**
 * NAdam (Adam with Nesterov momentum), SPEC section 2. State m = 0, v = 0; m, v and b as in
 * {@link Adam}; then
 * <pre>
 *   θ ← θ − α_t b (β1 m + (1 − β1) g) / (√v + ε)
 * </pre>
 */
final class NAdam implements UpdateRule, FusedRule {
    @Override
    public String name() {
        return "nadam";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.LEARNING_RATE, HyperparameterSpec.BETA1, HyperparameterSpec.BETA2,
                HyperparameterSpec.ADAM_EPSILON);
    }

    @Override
    public String formula() {
        return "m, v, b as adam;  θ ← θ − α_t b (β1 m + (1−β1) g) / (√v + ε)   (m = v = 0 at start)";
    }

    @Override
    public List<StateInit> state() {
        return List.of(new StateInit("m", 0), new StateInit("v", 0));
    }

    @Override
    public void update(RuleStep s) {
        Adam.updateMoments(s);
        var lookahead = s.state(0).mul(s.coef(h -> Adam.Coefficients.of(h).beta1()))
                .addi(s.grad().mul(s.coef(h -> Adam.Coefficients.of(h).oneMinusBeta1())));
        s.param().subi(lookahead.muli(s.coef(h -> Adam.Coefficients.of(h).stepFactor()))
                .divi(s.state(1).sqrt().addi(s.coef(h -> Adam.Coefficients.of(h).epsilon()))));
    }

    @Override
    public FusedUpdates.Kernel kernel() {
        return FusedUpdates.Kernel.NADAM;
    }

    @Override
    public Adam.Coefficients coefficients(TrialValues h) {
        return Adam.Coefficients.of(h);
    }
}
