package dev.optbench.space;

import dev.optbench.InputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Each optimizer's canonical hyperparameters and SPEC section 2 defaults (null: no default). */
final class OptimizerDefaults {
    private OptimizerDefaults() {}

    static List<String> names() {
        return List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam");
    }

    static Map<String, Double> of(String optimizer) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("learning_rate", null);
        switch (optimizer) {
            case "sgd" -> { }
            case "momentum", "nesterov" -> m.put("momentum", 0.9);
            case "rmsprop" -> {
                m.put("momentum", 0.9);
                m.put("rho", 0.9);
                m.put("epsilon", 1e-10);
            }
            case "adam", "nadam" -> {
                m.put("beta1", 0.9);
                m.put("beta2", 0.999);
                m.put("epsilon", 1e-8);
            }
            default -> throw new InputException("unknown optimizer '" + optimizer + "' (known: "
                    + String.join(", ", names()) + "; list them with 'optbench optimizers')");
        }
        return m;
    }
}
