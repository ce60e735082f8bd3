package org.example.lion;

import dev.optbench.optim.HyperparameterSpec;
import dev.optbench.optim.RuleStep;
import dev.optbench.optim.StateInit;
import dev.optbench.optim.TrialValues;
import dev.optbench.optim.UpdateRule;
import java.util.List;

/**
 * Lion (Chen et al. 2023), exactly as optbench's SPEC section 2 states it. State m = 0; each step
 * <pre>
 *   c = β1 m + (1 − β1) g
 *   θ ← θ − η_t (sign(c) + λ θ)
 *   m ← β2 m + (1 − β2) g
 * </pre>
 * with defaults β1 = 0.9, β2 = 0.99. The λθ term is optbench's decoupled weight decay, which it
 * applies to every optimizer from θ before the step (θ ← θ − η_t λ θ_old − step): so this rule
 * writes only the sign step and does not declare weight_decay itself.
 */
public final class Lion implements UpdateRule {
    @Override
    public String name() {
        return "lion";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(
                HyperparameterSpec.LEARNING_RATE,
                new HyperparameterSpec("beta1", 0.9, "interpolation β1 of m and g for the sign", "[0, 1]"),
                new HyperparameterSpec("beta2", 0.99, "decay β2 of the momentum m", "[0, 1)"));
    }

    @Override
    public String formula() {
        return "c = β1 m + (1−β1) g;  θ ← θ − η_t (sign(c) + λ θ);  m ← β2 m + (1−β2) g   (m = 0 at start)";
    }

    @Override
    public List<StateInit> state() {
        return List.of(new StateInit("m", 0));
    }

    private static double oneMinusBeta1(TrialValues h) {
        return 1 - h.get("beta1");
    }

    private static double oneMinusBeta2(TrialValues h) {
        return 1 - h.get("beta2");
    }

    @Override
    public void update(RuleStep s) {
        var m = s.state(0);
        var c = m.mul(s.coef("beta1")).addi(s.grad().mul(s.coef(Lion::oneMinusBeta1)));
        s.param().subi(c.sign().muli(s.coef(TrialValues::lr)));
        m.muli(s.coef("beta2")).addi(s.grad().mul(s.coef(Lion::oneMinusBeta2)));
    }
}
