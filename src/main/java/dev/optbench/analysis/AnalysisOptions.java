package dev.optbench.analysis;

import java.util.List;

/**
 * Settings of an analysis: bootstrap resamples B and seed, the fractions of the step budget at
 * which rankings are recomputed, and the factors applied to the workload target for the target
 * sensitivity (factor &gt; 1 is an easier target).
 */
public record AnalysisOptions(int resamples, long seed, List<Double> budgetFractions, List<Double> targetFactors) {
    public static final int DEFAULT_RESAMPLES = 10_000;
    public static final long DEFAULT_SEED = 0L;

    public AnalysisOptions {
        if (resamples < 1) {
            throw new IllegalArgumentException("--bootstrap must be at least 1, got " + resamples);
        }
        budgetFractions = List.copyOf(budgetFractions);
        targetFactors = List.copyOf(targetFactors);
    }

    public static AnalysisOptions defaults() {
        return of(DEFAULT_RESAMPLES, DEFAULT_SEED);
    }

    public static AnalysisOptions of(int resamples, long seed) {
        return new AnalysisOptions(resamples, seed, List.of(0.25, 0.5, 1.0), List.of(1.0, 1.1, 1.25, 1.5));
    }
}
