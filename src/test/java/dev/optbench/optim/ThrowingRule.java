package dev.optbench.optim;

import java.util.List;
import java.util.function.Supplier;

/**
 * A plug-in-style update rule for tests: plain SGD that throws what {@code boom} makes when a
 * trial's {@code boom_step} (0 = never, the default) is the step being taken (1-based), as a
 * broken plug-in would in the middle of a run.
 */
public final class ThrowingRule implements UpdateRule {
    private final String name;
    private final Supplier<? extends Throwable> boom;

    public ThrowingRule(String name, Supplier<? extends Throwable> boom) {
        this.name = name;
        this.boom = boom;
    }

    /** The built-ins plus {@code rules} as plug-ins (from a jar that does not exist). */
    public static OptimizerRegistry registry(ThrowingRule... rules) {
        List<Plugins.Source> sources = java.util.Arrays.stream(rules)
                .map(r -> new Plugins.Source(r.name(), "test-rules.jar", "0")).toList();
        return OptimizerRegistry.withPlugins(new Plugins.Loaded(List.of(rules), sources));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<HyperparameterSpec> hyperparameters() {
        return List.of(HyperparameterSpec.LEARNING_RATE,
                new HyperparameterSpec("boom_step", 0.0, "the step that throws (0: none)", "≥ 0"));
    }

    @Override
    public String formula() {
        return "θ ← θ − η_t g, or a throw at step boom_step";
    }

    @Override
    public List<StateInit> state() {
        return List.of();
    }

    @Override
    public void update(RuleStep s) {
        for (float step : s.coef("boom_step").toFloatArray()) {
            if (step == s.t() + 1) {
                throwUnchecked(boom.get());
            }
        }
        s.param().subi(s.grad().mul(s.coef(TrialValues::lr)));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
        throw (T) t;
    }
}
