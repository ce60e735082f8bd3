package dev.optbench.optim;

import dev.optbench.InputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizers of SPEC section 2 by canonical name: their hyperparameters with defaults and
 * allowed ranges, their formulas, and a checked factory.
 */
public final class Optimizers {
    private Optimizers() {}

    /** Name of the decoupled weight decay every optimizer takes. */
    public static final String WEIGHT_DECAY = HyperparameterSpec.WEIGHT_DECAY.name();

    private static final Map<String, UpdateRule> RULES = rules();

    private static Map<String, UpdateRule> rules() {
        Map<String, UpdateRule> m = new LinkedHashMap<>();
        for (UpdateRule r : List.of(new Sgd(), new Momentum(), new Nesterov(), new RmsProp(), new Adam(), new NAdam())) {
            m.put(r.name(), r);
        }
        return m;
    }

    /** sgd, momentum, nesterov, rmsprop, adam, nadam. */
    public static List<String> names() {
        return List.copyOf(RULES.keySet());
    }

    /** The hyperparameters of {@code name} in canonical order, learning_rate first, weight_decay last. */
    public static List<HyperparameterSpec> hyperparameters(String name) {
        return specsOf(name);
    }

    /** The update rule called {@code name}. */
    public static UpdateRule rule(String name) {
        specsOf(name);
        return RULES.get(name);
    }

    /** The update rule of {@code name} as one line of text (SPEC section 2). */
    public static String formula(String name) {
        return rule(name).formula();
    }

    /**
     * Builds optimizer {@code name} from {@code hparams} (canonical names; missing ones take their
     * defaults; learning_rate is required). Every name must belong to the optimizer: callers that
     * hold a wider map (schedule parameters, l2, ...) filter it with {@link #hyperparameters}.
     *
     * @throws InputException for an unknown optimizer or hyperparameter, a missing learning_rate
     *     or a value out of range; the message names the value and the allowed range.
     */
    public static Optimizer create(String name, Map<String, Double> hparams) {
        return new SingleTrialOptimizer(rule(name), checked(name, hparams));
    }

    /**
     * Builds K trials of optimizer {@code name} stepped together, trial k with {@code perTrial.get(k)}
     * (checked as by {@link #create}); their parameters carry a leading trial axis.
     */
    public static BatchedOptimizer createBatched(String name, List<Map<String, Double>> perTrial) {
        if (perTrial.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one trial");
        }
        List<Map<String, Double>> checked = new ArrayList<>();
        for (Map<String, Double> h : perTrial) {
            checked.add(checked(name, h));
        }
        return new StackedOptimizer(rule(name), checked, true);
    }

    /** Every hyperparameter of {@code name} with defaults filled in, or an InputException. */
    private static Map<String, Double> checked(String name, Map<String, Double> hparams) {
        List<HyperparameterSpec> specs = specsOf(name);
        Map<String, HyperparameterSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        for (String key : hparams.keySet()) {
            if (!byName.containsKey(key)) {
                throw new InputException("unknown hyperparameter '" + key + "' for " + name
                        + ": it takes " + String.join(", ", byName.keySet()));
            }
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (HyperparameterSpec spec : specs) {
            Double value = hparams.get(spec.name());
            if (value == null) {
                if (spec.required()) {
                    throw new InputException(spec.name() + " is required for " + name
                            + ": give a value " + rangeText(spec));
                }
                value = spec.defaultValue();
            }
            if (!spec.allows(value)) {
                throw new InputException(spec.name() + " = " + format(value)
                        + " is out of range for " + name + ": need " + rangeText(spec));
            }
            values.put(spec.name(), value);
        }
        return values;
    }

    /** The range as an inequality in the value's name, e.g. "0 ≤ beta1 < 1". */
    static String rangeText(HyperparameterSpec spec) {
        String n = spec.name();
        return switch (spec.allowedRange()) {
            case "> 0" -> n + " > 0";
            case "[0, 1)" -> "0 ≤ " + n + " < 1";
            case "(0, 1]" -> "0 < " + n + " ≤ 1";
            case "≥ 0" -> n + " ≥ 0";
            default -> n + " in " + spec.allowedRange();
        };
    }

    private static List<HyperparameterSpec> specsOf(String name) {
        UpdateRule rule = RULES.get(name);
        if (rule == null) {
            throw new InputException("unknown optimizer '" + name + "': choose one of "
                    + String.join(", ", RULES.keySet()));
        }
        List<HyperparameterSpec> specs = new ArrayList<>(rule.hyperparameters());
        specs.add(HyperparameterSpec.WEIGHT_DECAY);
        return List.copyOf(specs);
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** The hyperparameter names of {@code name}, for filtering a wider map. */
    public static List<String> hyperparameterNames(String name) {
        List<String> out = new ArrayList<>();
        specsOf(name).forEach(s -> out.add(s.name()));
        return out;
    }
}
