package dev.optbench.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test trials written once for every optimizer, each cut down to what one optimizer takes. */
final class TrialHparams {
    private TrialHparams() {}

    /** Each trial's values of the hyperparameters that optimizer {@code name} takes, in its order. */
    static List<Map<String, Double>> of(String name, List<Map<String, Double>> trials) {
        List<Map<String, Double>> own = new ArrayList<>();
        for (Map<String, Double> t : trials) {
            Map<String, Double> h = new LinkedHashMap<>();
            for (String key : Optimizers.hyperparameterNames(name)) {
                if (t.containsKey(key)) {
                    h.put(key, t.get(key));
                }
            }
            own.add(h);
        }
        return own;
    }
}
