package dev.optbench.optim;

import java.util.List;

/**
 * Heavy-ball momentum, SPEC section 2. State v = 0; each step
 * <pre>
 *   v ← γ v + g
 *   θ ← θ − η_t v
 * </pre>
 * The learning rate multiplies the buffer at use, so a schedule changes the step at once.
 */
final class Momentum implements UpdateRule, FusedRule {
    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.LEARNING_RATE, HyperparameterSpec.MOMENTUM);
    }

    @Override
    public String formula() {
        return "v ← γ v + g;  θ ← θ − η_t v   (v = 0 at start)";
    }

    @Override
    public List<StateInit> state() {
        return List.of(new StateInit("v", 0));
    }

    /** Momentum's and Nesterov's per-step scalars; the kernels' c = [gamma, eta]. */
    record Coefficients(double momentum, double lr) implements StepCoefficients {
        static Coefficients of(TrialValues h) {
            return new Coefficients(h.get("momentum"), h.lr());
        }

        @Override
        public double[] values() {
            return new double[] {momentum, lr};
        }
    }

    @Override
    public void update(RuleStep s) {
        s.state(0).muli(s.coef(h -> Coefficients.of(h).momentum())).addi(s.grad());
        s.param().subi(s.state(0).mul(s.coef(h -> Coefficients.of(h).lr())));
    }

    @Override
    public FusedUpdates.Kernel kernel() {
        return FusedUpdates.Kernel.MOMENTUM;
    }

    @Override
    public Coefficients coefficients(TrialValues h) {
        return Coefficients.of(h);
    }
}
