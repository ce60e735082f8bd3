package dev.optbench.study;

import dev.optbench.train.Measurement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One trial of a study: one optimizer, one hyperparameter point, one training run.
 * {@code point} is the hyperparameter point (0-based per optimizer) and {@code repeat} which of
 * its seeds (0 … seeds−1) this run is; trial index = point × seeds + repeat. {@code stage} is 1,
 * or 2 for a fitted study's second stage (whose point is empty until stage 1 is finished).
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
        List<Measurement> curve,
        int point,
        int repeat,
        int stage) {

    /** A trial that is its own point under one seed, stage 1. */
    public Trial(String study, String optimizer, int index, TrialState state, Map<String, Double> searched,
            Map<String, Double> hparams, long seed, String worker, Instant started, Instant finished, long steps,
            double seconds, Double validationError, Double testError, Double stepsToTarget, Map<String, String> provenance,
            String message, List<Measurement> curve) {
        this(study, optimizer, index, state, searched, hparams, seed, worker, started, finished, steps, seconds,
                validationError, testError, stepsToTarget, provenance, message, curve, index, 0, 1);
    }

    public Trial {
        searched = Map.copyOf(searched);
        hparams = Map.copyOf(hparams);
        provenance = Map.copyOf(provenance);
        curve = List.copyOf(curve);
    }
}
