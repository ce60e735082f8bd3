package dev.optbench.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names for AlgoPerf's baselines that are not rules of their own (SPEC section 2): {@code adamw}
 * is {@code adam} and {@code nadamw} is {@code nadam}, each with a space that searches the
 * decoupled {@code weight_decay} λ. A study keeps the name it was given (its trials and analyses
 * say adamw); training runs the rule.
 */
public final class OptimizerAliases {
    private OptimizerAliases() {}

    private static final Map<String, String> RULE = Map.of("adamw", "adam", "nadamw", "nadam");

    /** The rule an optimizer name runs: adam for adamw, nadam for nadamw, the name itself otherwise. */
    public static String rule(String name) {
        return RULE.getOrDefault(name, name);
    }

    /** Whether {@code name} is an alias whose spaces must search weight_decay. */
    public static boolean searchesWeightDecay(String name) {
        return RULE.containsKey(name);
    }

    /** adamw → adam, nadamw → nadam, in listing order. */
    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("adamw", "adam");
        m.put("nadamw", "nadam");
        return m;
    }
}
