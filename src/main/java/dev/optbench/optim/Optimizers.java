package dev.optbench.optim;

import dev.optbench.InputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizers of SPEC section 2 by canonical name: their hyperparameters with defaults and
 * allowed ranges, their formulas, and a checked factory.
 */
public final class Optimizers {
    private Optimizers() {}

    private static final HyperparameterSpec LEARNING_RATE = new HyperparameterSpec(
            "learning_rate", null, "step size η0 (α0 for adam/nadam) before the schedule", "> 0");
    private static final HyperparameterSpec MOMENTUM = new HyperparameterSpec(
            "momentum", 0.9, "momentum γ", "[0, 1)");
    private static final HyperparameterSpec RHO = new HyperparameterSpec(
            "rho", 0.9, "decay ρ of the squared-gradient average", "(0, 1]");
    private static final HyperparameterSpec RMS_EPSILON = new HyperparameterSpec(
            "epsilon", 1e-10, "ε inside the square root", "≥ 0");
    private static final HyperparameterSpec BETA1 = new HyperparameterSpec(
            "beta1", 0.9, "decay β1 of the first moment", "[0, 1)");
    private static final HyperparameterSpec BETA2 = new HyperparameterSpec(
            "beta2", 0.999, "decay β2 of the second moment", "[0, 1)");
    private static final HyperparameterSpec ADAM_EPSILON = new HyperparameterSpec(
            "epsilon", 1e-8, "ε added to √v", "≥ 0");

    private static final Map<String, List<HyperparameterSpec>> SPECS = specs();
    private static final Map<String, String> FORMULAS = formulas();

    private static Map<String, List<HyperparameterSpec>> specs() {
        Map<String, List<HyperparameterSpec>> m = new LinkedHashMap<>();
        m.put("sgd", List.of(LEARNING_RATE));
        m.put("momentum", List.of(LEARNING_RATE, MOMENTUM));
        m.put("nesterov", List.of(LEARNING_RATE, MOMENTUM));
        m.put("rmsprop", List.of(LEARNING_RATE, MOMENTUM, RHO, RMS_EPSILON));
        m.put("adam", List.of(LEARNING_RATE, BETA1, BETA2, ADAM_EPSILON));
        m.put("nadam", List.of(LEARNING_RATE, BETA1, BETA2, ADAM_EPSILON));
        return m;
    }

    private static Map<String, String> formulas() {
        Map<String, String> m = new HashMap<>();
        m.put("sgd", "θ ← θ − η_t g");
        m.put("momentum", "v ← γ v + g;  θ ← θ − η_t v   (v = 0 at start)");
        m.put("nesterov", "v ← γ v + g;  θ ← θ − η_t (γ v + g)   (v = 0 at start)");
        m.put("rmsprop", "v ← ρ v + (1−ρ) g²;  m ← γ m + η_t g / √(v + ε);  θ ← θ − m"
                + "   (v = 1, m = 0 at start)");
        m.put("adam", "m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;"
                + "  b = √(1−β2^(t+1)) / (1−β1^(t+1));  θ ← θ − α_t b m / (√v + ε)"
                + "   (m = v = 0 at start)");
        m.put("nadam", "m, v, b as adam;  θ ← θ − α_t b (β1 m + (1−β1) g) / (√v + ε)"
                + "   (m = v = 0 at start)");
        return m;
    }

    /** sgd, momentum, nesterov, rmsprop, adam, nadam. */
    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    /** The hyperparameters of {@code name} in canonical order, learning_rate first. */
    public static List<HyperparameterSpec> hyperparameters(String name) {
        return specsOf(name);
    }

    /** The update rule of {@code name} as one line of text (SPEC section 2). */
    public static String formula(String name) {
        specsOf(name);
        return FORMULAS.get(name);
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
        return build(name, values);
    }

    private static Optimizer build(String name, Map<String, Double> v) {
        double lr = v.get("learning_rate");
        return switch (name) {
            case "sgd" -> new Sgd(lr);
            case "momentum" -> new Momentum(lr, v.get("momentum"));
            case "nesterov" -> new Nesterov(lr, v.get("momentum"));
            case "rmsprop" -> new RmsProp(lr, v.get("momentum"), v.get("rho"), v.get("epsilon"));
            case "adam" -> new Adam(lr, v.get("beta1"), v.get("beta2"), v.get("epsilon"));
            case "nadam" -> new NAdam(lr, v.get("beta1"), v.get("beta2"), v.get("epsilon"));
            default -> throw new IllegalStateException(name);
        };
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
        List<HyperparameterSpec> specs = SPECS.get(name);
        if (specs == null) {
            throw new InputException("unknown optimizer '" + name + "': choose one of "
                    + String.join(", ", SPECS.keySet()));
        }
        return specs;
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
