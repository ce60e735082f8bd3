package dev.optbench.study;

import dev.optbench.space.Hyperparameters;
import dev.optbench.space.Sampler;
import dev.optbench.space.SearchSpace;
import dev.optbench.space.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pending trials of a study, computed from its definition alone: trial k of each optimizer
 * takes point k of the study's sampler in that optimizer's space, resolved to canonical names,
 * and the seed derived from (study seed, k), shared by all optimizers so that trial k of each
 * starts from the same initialization and data order.
 */
public final class StudyPlan {
    private StudyPlan() {}

    /** Sampler id of a study made by 'optbench import': its trials come from elsewhere, none is pending. */
    public static final String IMPORTED = "imported";

    public static List<Trial> pendingTrials(StudyDefinition def) {
        if (IMPORTED.equals(def.sampler())) {
            return List.of();
        }
        Sampler sampler = Sampler.fromId(def.sampler());
        List<Trial> out = new ArrayList<>();
        for (String optimizer : def.optimizers()) {
            String json = def.spaces().get(optimizer);
            if (json == null) {
                throw new dev.optbench.InputException("study " + def.name() + " has no search space for optimizer " + optimizer);
            }
            SearchSpace space = SearchSpace.fromJson(json, "space of " + optimizer);
            for (int k = 0; k < def.trialsPerOptimizer(); k++) {
                Map<String, Double> searched = sampler.point(space, def.seed(), k, def.trialsPerOptimizer());
                Map<String, Double> hparams = def.isExternal() ? Hyperparameters.resolveLabel(optimizer, searched)
                        : Hyperparameters.resolve(optimizer, searched);
                out.add(new Trial(def.name(), optimizer, k, TrialState.PENDING, searched, hparams,
                        Seeds.trialSeed(def.seed(), k), null, null, null, 0, 0.0, null, null, null,
                        Map.of(), null, List.of()));
            }
        }
        return out;
    }
}
