package dev.optbench.analysis;

import dev.optbench.study.TrialState;
import java.util.Map;

/** The trial with the lowest final validation error (diverged trials count as 1.0). */
public record BestTrial(int trial, TrialState state, double validationError, double testError,
        Map<String, Double> hparams, Map<String, Double> searched) {
    public BestTrial {
        hparams = Map.copyOf(hparams);
        searched = Map.copyOf(searched);
    }
}
