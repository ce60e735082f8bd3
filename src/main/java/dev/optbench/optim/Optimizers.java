package dev.optbench.optim;

import dev.optbench.InputException;
import dev.optbench.Messages;
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

    /**
     * Plug-in rules of this process (SPEC section 10), set once at start-up by the command line
     * ({@link #usePlugins}) and read-only afterwards; empty unless a plug-in path is given.
     */
    private static volatile Map<String, UpdateRule> plugins = Map.of();
    private static volatile Map<String, Plugins.Source> pluginSources = Map.of();

    /** Makes {@code loaded}'s rules known by name (replacing any earlier set; NONE removes them). */
    public static void usePlugins(Plugins.Loaded loaded) {
        Map<String, UpdateRule> m = new LinkedHashMap<>();
        Map<String, Plugins.Source> src = new LinkedHashMap<>();
        for (int i = 0; i < loaded.rules().size(); i++) {
            m.put(loaded.rules().get(i).name(), loaded.rules().get(i));
            src.put(loaded.rules().get(i).name(), loaded.sources().get(i));
        }
        plugins = java.util.Collections.unmodifiableMap(m);
        pluginSources = java.util.Collections.unmodifiableMap(src);
    }

    /** Where plug-in {@code name} came from; null for a built-in or unknown name. */
    public static Plugins.Source pluginSource(String name) {
        return pluginSources.get(name);
    }

    /** sgd, momentum, nesterov, rmsprop, adam, nadam: the rules that are not plug-ins. */
    /**
     * How the built-in rules run on float32 host arrays: "native one-pass kernels" or why they
     * run as NDArray ops; recorded in every trial's provenance.
     */
    public static String updateKernels() {
        return FusedUpdates.status();
    }

    /** The update rules' native library: its sha256 and whether it was loaded, or why not. */
    public static String updateKernelsLibrary() {
        return FusedUpdates.library();
    }

    public static List<String> builtInNames() {
        return List.copyOf(RULES.keySet());
    }

    private static UpdateRule find(String name) {
        UpdateRule r = RULES.get(name);
        return r != null ? r : plugins.get(name);
    }

    private static Map<String, UpdateRule> rules() {
        Map<String, UpdateRule> m = new LinkedHashMap<>();
        for (UpdateRule r : List.of(new Sgd(), new Momentum(), new Nesterov(), new RmsProp(), new Adam(), new NAdam())) {
            m.put(r.name(), r);
        }
        return m;
    }

    /** sgd, momentum, nesterov, rmsprop, adam, nadam, then the plug-ins' rules. */
    public static List<String> names() {
        List<String> out = new ArrayList<>(RULES.keySet());
        out.addAll(plugins.keySet());
        return List.copyOf(out);
    }

    /** The hyperparameters of {@code name} in canonical order, learning_rate first, weight_decay last. */
    public static List<HyperparameterSpec> hyperparameters(String name) {
        return specsOf(name);
    }

    /** The update rule called {@code name}. */
    public static UpdateRule rule(String name) {
        specsOf(name);
        return find(name);
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

    /**
     * Checks {@code hparams} for optimizer {@code name} as {@link #create} does (unknown names, a
     * missing learning_rate, values out of range) without building anything.
     *
     * @throws InputException naming the value and the allowed range
     */
    public static void check(String name, Map<String, Double> hparams) {
        checked(name, hparams);
    }

    /** Every hyperparameter of {@code name} with defaults filled in, or an InputException. */
    private static Map<String, Double> checked(String name, Map<String, Double> hparams) {
        List<HyperparameterSpec> specs = specsOf(name);
        Map<String, HyperparameterSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        for (String key : hparams.keySet()) {
            if (!byName.containsKey(key)) {
                throw new InputException("unknown hyperparameter '" + Messages.quote(key) + "' for " + name
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
        return spec.rangeText();
    }

    private static List<HyperparameterSpec> specsOf(String name) {
        UpdateRule rule = find(name);
        if (rule == null) {
            throw new InputException("unknown optimizer '" + Messages.quote(name) + "': choose one of "
                    + String.join(", ", names()) + (plugins.isEmpty() ? "" : " (with the plug-ins)"));
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
