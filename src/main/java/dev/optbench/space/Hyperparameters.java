package dev.optbench.space;

import dev.optbench.InputException;
import dev.optbench.optim.OptimizerAliases;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.Schedules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a searched point into the optimizer's own hyperparameters (SPEC section 5):
 * <ul>
 *   <li>{@code one_minus_X} → X = 1 − value, for X in momentum, beta1, beta2, rho
 *       ({@code one_minus_beta_1}, the spelling of AlgoPerf's discrete example, is one_minus_beta1);</li>
 *   <li>in momentum and nesterov spaces, AlgoPerf's {@code beta1} / {@code one_minus_beta1} name the
 *       momentum γ (SPEC section 3), so AlgoPerf's files load as they are;</li>
 *   <li>{@code learning_rate_over_epsilon} (Adam, NAdam) → learning_rate = value · ε;</li>
 *   <li>{@code learning_rate_over_sqrt_epsilon} (RMSProp) → learning_rate = value · √ε;</li>
 * </ul>
 * ε being the searched epsilon or else the optimizer's default. Names the optimizer does not
 * search are filled with its SPEC defaults; training-level names (schedule, l2, ...) pass through.
 * The aliases adamw and nadamw take adam's and nadam's names and must search weight_decay.
 */
public final class Hyperparameters {
    /** Searchable names that belong to training rather than to an optimizer. */
    public static final List<String> TRAINING = List.of(
            "decay_steps_factor", "decay_factor", "warmup_factor", "end_factor", "l2", "weight_decay",
            "label_smoothing", "dropout_rate");

    private static final List<String> ONE_MINUS = List.of("momentum", "beta1", "beta2", "rho");

    private Hyperparameters() {}

    /** The canonical values a trial runs with, from its searched point. */
    public static Map<String, Double> resolve(OptimizerRegistry optimizers, String optimizer, Map<String, Double> searched) {
        Map<String, Double> defaults = OptimizerDefaults.of(optimizers, optimizer);
        check(optimizers, optimizer, searched.keySet());
        Map<String, Double> out = new LinkedHashMap<>();
        defaults.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        for (Map.Entry<String, Double> e : searched.entrySet()) {
            String name = canonical(optimizer, e.getKey());
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

    /** Whether optbench knows {@code name} as an optimizer (a rule or an alias such as adamw). */
    public static boolean knows(OptimizerRegistry optimizers, String name) {
        return optimizers.knows(OptimizerAliases.rule(name));
    }

    /**
     * For an external study (SPEC section 10), whose labels may name no optimizer optbench knows:
     * a known one resolves as {@link #resolve} does; any other label's point passes unchanged.
     */
    public static Map<String, Double> resolveLabel(OptimizerRegistry optimizers, String label, Map<String, Double> searched) {
        return knows(optimizers, label) ? resolve(optimizers, label, searched) : new LinkedHashMap<>(searched);
    }

    /**
     * AlgoPerf's spellings in optbench's names: one_minus_beta_1 → one_minus_beta1; in a momentum or
     * nesterov space beta1 → momentum and one_minus_beta1 → one_minus_momentum. Others unchanged.
     */
    static String canonical(String optimizer, String name) {
        String n = name.equals("one_minus_beta_1") ? "one_minus_beta1" : name;
        String rule = OptimizerAliases.rule(optimizer);
        if (rule.equals("momentum") || rule.equals("nesterov")) {
            if (n.equals("beta1")) {
                return "momentum";
            }
            if (n.equals("one_minus_beta1")) {
                return "one_minus_momentum";
            }
        }
        return n;
    }

    /**
     * Checks that every name can be searched for this optimizer, with no name given twice, and
     * that the schedule names select a schedule that takes them all.
     */
    public static void check(OptimizerRegistry optimizers, String optimizer, Set<String> names) {
        Map<String, Double> defaults = OptimizerDefaults.of(optimizers, optimizer);
        Set<String> allowed = allowedNames(optimizers, optimizer);
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
        List<String> canonical = names.stream().map(n -> canonical(optimizer, n)).toList();
        for (String x : defaults.keySet()) {
            int count = 0;
            for (String n : canonical) {
                count += n.equals(x) || n.equals("one_minus_" + x) ? 1 : 0;
                if (x.equals("learning_rate")) {
                    count += n.equals("learning_rate_over_epsilon") || n.equals("learning_rate_over_sqrt_epsilon") ? 1 : 0;
                }
            }
            if (count > 1) {
                throw new InputException("the space for " + optimizer + " sets " + x
                        + " more than once (directly and through a derived name); keep one");
            }
        }
        if (OptimizerAliases.searchesWeightDecay(optimizer) && !names.contains("weight_decay")) {
            throw new InputException(optimizer + " is " + OptimizerAliases.rule(optimizer)
                    + " with decoupled weight decay searched: its space must name weight_decay (or use "
                    + OptimizerAliases.rule(optimizer) + ")");
        }
        Set<String> schedule = new TreeSet<>(names);
        schedule.retainAll(Schedules.SCHEDULE_HPARAMS);
        String kind = Schedules.kindFor(schedule);
        for (String n : schedule) {
            if (!Schedules.parameters(kind).contains(n)) {
                throw new InputException("the space for " + optimizer + " names " + n + ", which schedule " + kind
                        + " (chosen by " + String.join(", ", schedule) + ") does not take; "
                        + kind + " takes " + String.join(", ", Schedules.parameters(kind)));
            }
        }
    }

    /** Every name a space for this optimizer may contain, sorted. */
    public static Set<String> allowedNames(OptimizerRegistry optimizers, String optimizer) {
        Map<String, Double> defaults = OptimizerDefaults.of(optimizers, optimizer);
        String rule = OptimizerAliases.rule(optimizer);
        Set<String> allowed = new TreeSet<>(defaults.keySet());
        allowed.addAll(TRAINING);
        for (String x : ONE_MINUS) {
            if (defaults.containsKey(x)) {
                allowed.add("one_minus_" + x);
            }
        }
        if (rule.equals("adam") || rule.equals("nadam")) {
            allowed.add("learning_rate_over_epsilon");
            allowed.add("one_minus_beta_1");
        }
        if (rule.equals("momentum") || rule.equals("nesterov")) {
            allowed.add("beta1");
            allowed.add("one_minus_beta1");
            allowed.add("one_minus_beta_1");
        }
        if (rule.equals("rmsprop")) {
            allowed.add("learning_rate_over_sqrt_epsilon");
        }
        return allowed;
    }
}
