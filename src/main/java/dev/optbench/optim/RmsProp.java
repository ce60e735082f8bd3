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

    /** RMSProp's per-step scalars; the kernel's c = [rho, 1 - rho, gamma, eta, eps]. */
    record Coefficients(double rho, double oneMinusRho, double momentum, double lr, double epsilon)
            implements StepCoefficients {
        static Coefficients of(TrialValues h) {
            return new Coefficients(h.get("rho"), 1 - h.get("rho"), h.get("momentum"), h.lr(), h.get("epsilon"));
        }

        @Override
        public double[] values() {
            return new double[] {rho, oneMinusRho, momentum, lr, epsilon};
        }
    }

    @Override
    public void update(RuleStep s) {
        var v = s.state(0);
        var m = s.state(1);
        v.muli(s.coef(h -> Coefficients.of(h).rho()))
                .addi(s.grad().square().muli(s.coef(h -> Coefficients.of(h).oneMinusRho())));
        m.muli(s.coef(h -> Coefficients.of(h).momentum())).addi(s.grad().mul(s.coef(h -> Coefficients.of(h).lr()))
                .divi(v.add(s.coef(h -> Coefficients.of(h).epsilon())).sqrt()));
        s.param().subi(m);
    }

    @Override
    public FusedUpdates.Kernel kernel() {
        return FusedUpdates.Kernel.RMSPROP;
    }

    @Override
    public Coefficients coefficients(TrialValues h) {
        return Coefficients.of(h);
    }
}
