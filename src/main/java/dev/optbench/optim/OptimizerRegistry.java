package dev.optbench.optim;

import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizers one run knows by canonical name (SPEC sections 2 and 10): the built-in rules and
 * the plug-ins loaded for it, with their hyperparameters, formulas and a checked factory.
 * Immutable: the command line builds one from {@code --plugins DIR} and passes it down, so two
 * registries with different plug-ins can coexist in one JVM. The aliases adamw and nadamw are
 * names of studies, not rules ({@link OptimizerAliases}); they resolve to adam and nadam here.
 */
public final class OptimizerRegistry {
    /** sgd, momentum, nesterov, rmsprop, adam, nadam and no plug-ins. */
    public static final OptimizerRegistry BUILT_IN = new OptimizerRegistry(Plugins.Loaded.NONE);

    private final Map<String, UpdateRule> builtIns;
    private final Map<String, UpdateRule> plugins;
    private final Map<String, Plugins.Source> pluginSources;

    private OptimizerRegistry(Plugins.Loaded loaded) {
        Map<String, UpdateRule> b = new LinkedHashMap<>();
        for (UpdateRule r : List.of(new Sgd(), new Momentum(), new Nesterov(), new RmsProp(), new Adam(), new NAdam())) {
            b.put(r.name(), r);
        }
        Map<String, UpdateRule> p = new LinkedHashMap<>();
        Map<String, Plugins.Source> src = new LinkedHashMap<>();
        for (int i = 0; i < loaded.rules().size(); i++) {
            p.put(loaded.rules().get(i).name(), loaded.rules().get(i));
            src.put(loaded.rules().get(i).name(), loaded.sources().get(i));
        }
        this.builtIns = Collections.unmodifiableMap(b);
        this.plugins = Collections.unmodifiableMap(p);
        this.pluginSources = Collections.unmodifiableMap(src);
    }

    /** The built-ins plus {@code loaded}'s rules ({@link #BUILT_IN} for {@link Plugins.Loaded#NONE}). */
    public static OptimizerRegistry withPlugins(Plugins.Loaded loaded) {
        return loaded.rules().isEmpty() ? BUILT_IN : new OptimizerRegistry(loaded);
    }

    /** Where plug-in {@code name} came from; null for a built-in or unknown name. */
    public Plugins.Source pluginSource(String name) {
        return pluginSources.get(name);
    }

    /** sgd, momentum, nesterov, rmsprop, adam, nadam: the rules that are not plug-ins. */
    public List<String> builtInNames() {
        return List.copyOf(builtIns.keySet());
    }

    /** sgd, momentum, nesterov, rmsprop, adam, nadam, then the plug-ins' rules. */
    public List<String> names() {
        List<String> out = new ArrayList<>(builtIns.keySet());
        out.addAll(plugins.keySet());
        return List.copyOf(out);
    }

    /** Whether {@code name} is a rule of this registry (aliases are not: resolve them first). */
    public boolean knows(String name) {
        return find(name) != null;
    }

    /** The hyperparameters of {@code name} in canonical order, learning_rate first, weight_decay last. */
    public List<HyperparameterSpec> hyperparameters(String name) {
        return specsOf(name);
    }

    /** The hyperparameter names of {@code name}, for filtering a wider map. */
    public List<String> hyperparameterNames(String name) {
        List<String> out = new ArrayList<>();
        specsOf(name).forEach(s -> out.add(s.name()));
        return out;
    }

    /** The update rule called {@code name}. */
    public UpdateRule rule(String name) {
        specsOf(name);
        return find(name);
    }

    /** The update rule of {@code name} as one line of text (SPEC section 2). */
    public String formula(String name) {
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
    public Optimizer create(String name, Map<String, Double> hparams) {
        return new SingleTrialOptimizer(rule(name), checked(name, hparams));
    }

    /**
     * Builds K trials of optimizer {@code name} stepped together, trial k with {@code perTrial.get(k)}
     * (checked as by {@link #create}); their parameters carry a leading trial axis.
     */
    public BatchedOptimizer createBatched(String name, List<Map<String, Double>> perTrial) {
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
    public void check(String name, Map<String, Double> hparams) {
        checked(name, hparams);
    }

    private UpdateRule find(String name) {
        UpdateRule r = builtIns.get(name);
        return r != null ? r : plugins.get(name);
    }

    /** Every hyperparameter of {@code name} with defaults filled in, or an InputException. */
    private Map<String, Double> checked(String name, Map<String, Double> hparams) {
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
                            + ": give a value " + spec.rangeText());
                }
                value = spec.defaultValue();
            }
            if (!spec.allows(value)) {
                throw new InputException(spec.name() + " = " + Optimizers.format(value)
                        + " is out of range for " + name + ": need " + spec.rangeText());
            }
            values.put(spec.name(), value);
        }
        return values;
    }

    private List<HyperparameterSpec> specsOf(String name) {
        UpdateRule rule = find(name);
        if (rule == null) {
            throw new InputException("unknown optimizer '" + Messages.quote(name) + "': choose one of "
                    + String.join(", ", names()) + (plugins.isEmpty() ? "" : " (with the plug-ins)"));
        }
        List<HyperparameterSpec> specs = new ArrayList<>(rule.hyperparameters());
        specs.add(HyperparameterSpec.WEIGHT_DECAY);
        return List.copyOf(specs);
    }
}
