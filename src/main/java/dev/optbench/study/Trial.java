package dev.optbench.study;

import dev.optbench.train.Measurement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One trial of a study: one optimizer, one hyperparameter point, one training run.
 * {@code searched} is the point as sampled (possibly derived names such as
 * one_minus_beta1); {@code hparams} the resolved canonical values the run used.
 * Errors are null until the trial finishes; a diverged trial has errors 1.0.
 * {@code curve} is empty unless loaded with curves.
 */
public record Trial(
        String study,
        String optimizer,
        int index,
        TrialState state,
        Map<String, Double> searched,
        Map<String, Double> hparams,
        long seed,
        String worker,
        Instant started,
        Instant finished,
        long steps,
        double seconds,
        Double validationError,
        Double testError,
        Double stepsToTarget,
        Map<String, String> provenance,
        String message,
        List<Measurement> curve) {

    public Trial {
        searched = Map.copyOf(searched);
        hparams = Map.copyOf(hparams);
        provenance = Map.copyOf(provenance);
        curve = List.copyOf(curve);
    }
}
