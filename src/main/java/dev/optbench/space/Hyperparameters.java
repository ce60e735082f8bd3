package dev.optbench.space;

import dev.optbench.InputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a searched point into the optimizer's own hyperparameters (SPEC section 5):
 * <ul>
 *   <li>{@code one_minus_X} → X = 1 − value, for X in momentum, beta1, beta2, rho;</li>
 *   <li>{@code learning_rate_over_epsilon} (Adam, NAdam) → learning_rate = value · ε;</li>
 *   <li>{@code learning_rate_over_sqrt_epsilon} (RMSProp) → learning_rate = value · √ε;</li>
 * </ul>
 * ε being the searched epsilon or else the optimizer's default. Names the optimizer does not
 * search are filled with its SPEC defaults; training-level names (schedule, l2, ...) pass through.
 */
public final class Hyperparameters {
    /** Searchable names that belong to training rather than to an optimizer. */
    public static final List<String> TRAINING = List.of(
            "decay_steps_factor", "decay_factor", "l2", "weight_decay", "label_smoothing", "dropout_rate");

    private static final List<String> ONE_MINUS = List.of("momentum", "beta1", "beta2", "rho");

    private Hyperparameters() {}

    /** The canonical values a trial runs with, from its searched point. */
    public static Map<String, Double> resolve(String optimizer, Map<String, Double> searched) {
        Map<String, Double> defaults = OptimizerDefaults.of(optimizer);
        check(optimizer, searched.keySet());
        Map<String, Double> out = new LinkedHashMap<>();
        defaults.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        for (Map.Entry<String, Double> e : searched.entrySet()) {
            String name = e.getKey();
            double v = e.getValue();
            if (name.startsWith("one_minus_")) {
                out.put(name.substring("one_minus_".length()), 1.0 - v);
            } else if (!name.startsWith("learning_rate_over_")) {
                out.put(name, v);
            }
        }
        double epsilon = out.getOrDefault("epsilon", Double.NaN);
        if (searched.containsKey("learning_rate_over_epsilon")) {
            out.put("learning_rate", searched.get("learning_rate_over_epsilon") * epsilon);
        }
        if (searched.containsKey("learning_rate_over_sqrt_epsilon")) {
            out.put("learning_rate", searched.get("learning_rate_over_sqrt_epsilon") * Math.sqrt(epsilon));
        }
        return out;
    }

    /** Checks that every name can be searched for this optimizer, with no name given twice. */
    public static void check(String optimizer, Set<String> names) {
        Map<String, Double> defaults = OptimizerDefaults.of(optimizer);
        Set<String> allowed = allowedNames(optimizer);
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            if (!allowed.contains(n)) {
                unknown.add(n);
            }
        }
        if (!unknown.isEmpty()) {
            throw new InputException("optimizer " + optimizer + " cannot search " + String.join(", ", unknown)
                    + " (searchable: " + String.join(", ", allowed) + "); remove them from the space");
        }
        for (String x : defaults.keySet()) {
            int count = (names.contains(x) ? 1 : 0) + (names.contains("one_minus_" + x) ? 1 : 0);
            if (x.equals("learning_rate")) {
                count += (names.contains("learning_rate_over_epsilon") ? 1 : 0)
                        + (names.contains("learning_rate_over_sqrt_epsilon") ? 1 : 0);
            }
            if (count > 1) {
                throw new InputException("the space for " + optimizer + " sets " + x
                        + " more than once (directly and through a derived name); keep one");
            }
        }
    }

    /** Every name a space for this optimizer may contain, sorted. */
    public static Set<String> allowedNames(String optimizer) {
        Map<String, Double> defaults = OptimizerDefaults.of(optimizer);
        Set<String> allowed = new TreeSet<>(defaults.keySet());
        allowed.addAll(TRAINING);
        for (String x : ONE_MINUS) {
            if (defaults.containsKey(x)) {
                allowed.add("one_minus_" + x);
            }
        }
        if (optimizer.equals("adam") || optimizer.equals("nadam")) {
            allowed.add("learning_rate_over_epsilon");
        }
        if (optimizer.equals("rmsprop")) {
            allowed.add("learning_rate_over_sqrt_epsilon");
        }
        return allowed;
    }
}
