package dev.optbench.space;

import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.optim.HyperparameterSpec;
import dev.optbench.optim.OptimizerAliases;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.Optimizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Each optimizer's canonical hyperparameters and SPEC section 2 defaults (null: no default), from the optim package. */
final class OptimizerDefaults {
    private OptimizerDefaults() {}

    static List<String> names(OptimizerRegistry optimizers) {
        return optimizers.names();
    }

    /** Also for an alias (adamw, nadamw): the defaults of the rule it names. */
    static Map<String, Double> of(OptimizerRegistry optimizers, String optimizer) {
        String rule = OptimizerAliases.rule(optimizer);
        if (!optimizers.knows(rule)) {
            throw new InputException("unknown optimizer '" + Messages.quote(optimizer) + "' (known: "
                    + String.join(", ", names(optimizers)) + ", adamw, nadamw; list them with 'optbench optimizers')");
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (HyperparameterSpec spec : optimizers.hyperparameters(rule)) {
            if (spec.name().equals(Optimizers.WEIGHT_DECAY)) {
                continue; // searched like l2, not filled in: a trial without it has none
            }
            m.put(spec.name(), spec.defaultValue());
        }
        return m;
    }
}
