package dev.optbench.space;

import dev.optbench.InputException;
import dev.optbench.optim.HyperparameterSpec;
import dev.optbench.optim.OptimizerAliases;
import dev.optbench.optim.OptimizerRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before a study is stored, that every value a space can give lies in the allowed range
 * of what it sets: the optimizer's own hyperparameters ({@link HyperparameterSpec}, plug-ins'
 * included) and the training-level ones, as the trainer and the schedules check them at run
 * time. Derived names are checked through what they set (SPEC section 5): one_minus_X gives
 * X = 1 − value, learning_rate_over_epsilon value · ε, learning_rate_over_sqrt_epsilon
 * value · √ε (ε searched, else the default). A range is checked at its ends (each mapping is
 * monotone in each name, so the ends bound every value between), feasible points and discrete
 * points one by one. Without this a bad range surfaces only at run time, as failed trials.
 *
 * <p>Only the grid sampler reaches a range's max: halton and random draw unit coordinates in
 * [0, 1), so there the max is a limit the values approach, and a max that maps onto an open end
 * of the allowed range is fine (full's one_minus_rho in [1e-3, 1] gives ρ in (0, 0.999], which
 * RMSProp allows; on a grid it gives ρ = 0, which it does not).
 */
public final class SpaceRanges {
    /** Training-level names and the ranges TrainConfig and Schedules accept. */
    private static final List<HyperparameterSpec> TRAINING = List.of(
            new HyperparameterSpec("l2", 0.0, "coupled L2", "≥ 0"),
            new HyperparameterSpec("label_smoothing", 0.0, "label smoothing", "[0, 1)"),
            new HyperparameterSpec("dropout_rate", 0.0, "dropout", "[0, 1)"),
            new HyperparameterSpec("decay_steps_factor", 1.0, "decay steps over total", "(0, 1]"),
            new HyperparameterSpec("decay_factor", 0.01, "final rate factor", "(0, 1]"),
            new HyperparameterSpec("warmup_factor", 0.0, "warmup steps over total", "[0, 1)"),
            new HyperparameterSpec("end_factor", 0.0, "rate factor at the end", "[0, 1]"));

    private SpaceRanges() {}

    /**
     * Throws an InputException of one line naming the optimizer, the hyperparameter, the space's
     * range and the allowed range when {@code space} can give {@code optimizer} a value outside it.
     * The names must already be searchable ({@link Hyperparameters#check}).
     */
    public static void check(OptimizerRegistry optimizers, String optimizer, SearchSpace space, boolean maxSampled) {
        Map<String, HyperparameterSpec> specs = specs(optimizers, optimizer);
        if (space.isDiscrete()) {
            for (int p = 0; p < space.points().size(); p++) {
                Map<String, Double> values = Hyperparameters.resolve(optimizers, optimizer, space.points().get(p));
                for (Map.Entry<String, Double> e : values.entrySet()) {
                    HyperparameterSpec spec = specs.get(e.getKey());
                    if (spec != null && !spec.allows(e.getValue())) {
                        throw new InputException("space for " + optimizer + ": point " + p + " gives " + e.getKey()
                                + " = " + Range.fmt(e.getValue()) + ", outside the allowed range "
                                + spec.rangeText() + "; change the point");
                    }
                }
            }
            return;
        }
        List<String> derived = new ArrayList<>();
        for (Map.Entry<String, Range> e : space.ranges().entrySet()) { // names that set a value directly first
            String name = Hyperparameters.canonical(optimizer, e.getKey());
            if (name.startsWith("one_minus_") || name.startsWith("learning_rate_over_")) {
                derived.add(e.getKey());
                continue;
            }
            HyperparameterSpec spec = specs.get(name);
            if (spec != null) {
                for (End end : ends(e.getValue(), maxSampled)) {
                    if (!end.allowedBy(spec)) {
                        throw new InputException("space for " + optimizer + ": " + e.getKey() + " "
                                + e.getValue().describe() + " leaves the allowed range " + spec.rangeText()
                                + "; narrow it");
                    }
                }
            }
        }
        for (String key : derived) {
            Range range = space.ranges().get(key);
            String name = Hyperparameters.canonical(optimizer, key);
            String target = name.startsWith("one_minus_") ? name.substring("one_minus_".length()) : "learning_rate";
            HyperparameterSpec spec = specs.get(target);
            for (End end : derivedEnds(space, name, range, specs, maxSampled)) {
                if (!end.allowedBy(spec)) {
                    throw new InputException("space for " + optimizer + ": " + key + " " + range.describe() + " gives "
                            + target + " = " + Range.fmt(end.value()) + ", outside the allowed range " + spec.rangeText()
                            + "; narrow it");
                }
            }
        }
    }

    /** Whether {@code value} of {@code name} is allowed for {@code optimizer}; null if so, else the allowed range. */
    public static String outside(OptimizerRegistry optimizers, String optimizer, String name, double value) {
        HyperparameterSpec spec = specs(optimizers, optimizer).get(name);
        return spec == null || spec.allows(value) ? null : spec.rangeText();
    }

    /**
     * A value a range gives at one of its ends; {@code limit}: only approached, never sampled
     * (a non-grid sampler's max), so an open end of the allowed range is fine.
     */
    private record End(double value, boolean limit) {
        boolean allowedBy(HyperparameterSpec spec) {
            return spec.allows(value) || limit && (value == spec.min() && !spec.minClosed()
                    || value == spec.max() && !spec.maxClosed());
        }
    }

    /** The values a derived name can set, at the corners of its range and ε's. */
    private static List<End> derivedEnds(SearchSpace space, String name, Range range,
            Map<String, HyperparameterSpec> specs, boolean maxSampled) {
        List<End> out = new ArrayList<>();
        if (name.startsWith("one_minus_")) {
            ends(range, maxSampled).forEach(e -> out.add(new End(1.0 - e.value(), e.limit())));
            return out;
        }
        Range searched = space.ranges().get("epsilon");
        List<End> epsilons = searched != null ? ends(searched, maxSampled)
                : List.of(new End(specs.get("epsilon").defaultValue(), false));
        for (End v : ends(range, maxSampled)) {
            for (End eps : epsilons) {
                double lr = name.equals("learning_rate_over_epsilon") ? v.value() * eps.value()
                        : v.value() * Math.sqrt(eps.value());
                out.add(new End(lr, v.limit() || eps.limit()));
            }
        }
        return out;
    }

    /** A range's ends (its max a limit unless sampled), or all its feasible points. */
    private static List<End> ends(Range r, boolean maxSampled) {
        if (r instanceof Range.Linear l) {
            return List.of(new End(l.min(), false), new End(l.max(), !maxSampled && l.max() > l.min()));
        }
        if (r instanceof Range.Log l) {
            return List.of(new End(l.min(), false), new End(l.max(), !maxSampled && l.max() > l.min()));
        }
        return ((Range.Feasible) r).points().stream().map(v -> new End(v, false)).toList();
    }

    /** Every name with a range for {@code optimizer}: its rule's, weight_decay, the training-level ones. */
    private static Map<String, HyperparameterSpec> specs(OptimizerRegistry optimizers, String optimizer) {
        Map<String, HyperparameterSpec> out = new LinkedHashMap<>();
        for (HyperparameterSpec s : optimizers.hyperparameters(OptimizerAliases.rule(optimizer))) {
            out.put(s.name(), s);
        }
        TRAINING.forEach(s -> out.putIfAbsent(s.name(), s));
        return out;
    }
}
