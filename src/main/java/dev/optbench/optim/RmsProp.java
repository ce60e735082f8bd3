package dev.optbench.optim;

import java.util.List;

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
final class RmsProp implements UpdateRule, FusedRule {
    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.LEARNING_RATE, HyperparameterSpec.MOMENTUM, HyperparameterSpec.RHO,
                HyperparameterSpec.RMS_EPSILON);
    }

    @Override
    public String formula() {
        return "v ← ρ v + (1−ρ) g²;  m ← γ m + η_t g / √(v + ε);  θ ← θ − m   (v = 1, m = 0 at start)";
    }

    @Override
    public List<StateInit> state() {
        return List.of(new StateInit("v", 1), new StateInit("m", 0));
    }

    @Override
    public void update(RuleStep s) {
        var v = s.state(0);
        var m = s.state(1);
        v.muli(s.coef("rho")).addi(s.grad().square().muli(s.coef(h -> 1 - h.get("rho"))));
        m.muli(s.coef("momentum")).addi(s.grad().mul(s.coef(TrialValues::lr)).divi(v.add(s.coef("epsilon")).sqrt()));
        s.param().subi(m);
    }

    @Override
    public FusedUpdates.Kernel kernel() {
        return FusedUpdates.Kernel.RMSPROP;
    }

    @Override
    public double[] coefficients(TrialValues h) {
        return new double[] {h.get("rho"), 1 - h.get("rho"), h.get("momentum"), h.lr(), h.get("epsilon")};
    }
}
