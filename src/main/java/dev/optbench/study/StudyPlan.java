package dev.optbench.study;

import dev.optbench.space.Hyperparameters;
import dev.optbench.space.Sampler;
import dev.optbench.space.SearchSpace;
import dev.optbench.space.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pending trials of a study, computed from its definition alone: point p of each optimizer
 * is point p of the study's sampler in that optimizer's space, resolved to canonical names; it
 * runs under S seeds (S = the study's seeds) as trials p·S … p·S + S − 1, repeat r with seed
 * {@link Seeds#repeatSeed}(study seed, p, r) (for S = 1: trial p, seed from (study seed, p), as
 * before repeats existed), shared by all optimizers so that trial k of each starts from the same
 * initialization and data order. A fitted study's stage-2 points (p ≥ its stage-1 points) are
 * stored with an empty point: {@link FittedStage} gives them one once stage 1 is finished.
 */
public final class StudyPlan {
    private StudyPlan() {}

    /** Sampler id of a study made by 'optbench import': its trials come from elsewhere, none is pending. */
    public static final String IMPORTED = "imported";

    /** The study's trials before any has run, their points resolved by {@code optimizers}' rules. */
    public static List<Trial> pendingTrials(StudyDefinition def, dev.optbench.optim.OptimizerRegistry optimizers) {
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
            int n1 = def.stage1Points();
            for (int p = 0; p < def.trialsPerOptimizer(); p++) {
                boolean stage2 = p >= n1;
                // point p of the space (in a discrete space point p mod n); every repeat of it shares it
                Map<String, Double> searched = stage2 ? Map.of() : sampler.point(space, def.seed(), p, n1);
                Map<String, Double> hparams = stage2 ? Map.of()
                        : def.isExternal() || def.isOptimizerClass(optimizer) ? Hyperparameters.resolveLabel(optimizers, optimizer, searched)
                        : Hyperparameters.resolve(optimizers, optimizer, searched);
                for (int r = 0; r < def.seeds(); r++) {
                    out.add(new Trial(def.name(), optimizer, p * def.seeds() + r, TrialState.PENDING, searched, hparams,
                            Seeds.repeatSeed(def.seed(), p, r), null, null, null, 0, 0.0, null, null, null,
                            Map.of(), null, List.of(), p, r, stage2 ? 2 : 1));
                }
            }
        }
        return out;
    }
}
