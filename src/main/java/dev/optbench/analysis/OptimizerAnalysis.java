package dev.optbench.analysis;

import java.util.List;

/**
 * Everything the analysis says about one optimizer in one study. {@code trials} counts the
 * finished (completed or diverged) trials used; {@code excluded} the pending, running and failed
 * ones left out. {@code best} is null and the lists empty when no trial finished;
 * {@code stepsToTarget} and {@code trainingLoss} are null when the data for them is missing.
 * With seed repeats the counts and the best are of points (mean over seeds), {@code seedSpread}
 * describes the best point's seeds (null without repeats). {@code fit} is the fitted protocol's
 * summary (null otherwise); its counts and bootstrap are of stage 2, budgets counted over both stages.
 */
public record OptimizerAnalysis(
        String optimizer,
        int trials,
        int diverged,
        int excluded,
        BestTrial best,
        List<BudgetQuantiles> bootstrap,
        StepsToTarget stepsToTarget,
        List<BudgetQuantiles> trainingLoss,
        List<BoundaryWarning> boundaryWarnings,
        SeedSpread seedSpread,
        FitSummary fit) {

    /** Without seed repeats or fitting. */
    public OptimizerAnalysis(String optimizer, int trials, int diverged, int excluded, BestTrial best,
            List<BudgetQuantiles> bootstrap, StepsToTarget stepsToTarget, List<BudgetQuantiles> trainingLoss,
            List<BoundaryWarning> boundaryWarnings) {
        this(optimizer, trials, diverged, excluded, best, bootstrap, stepsToTarget, trainingLoss, boundaryWarnings, null, null);
    }

    public OptimizerAnalysis {
        bootstrap = List.copyOf(bootstrap);
        trainingLoss = trainingLoss == null ? null : List.copyOf(trainingLoss);
        boundaryWarnings = List.copyOf(boundaryWarnings);
    }

    /** Bootstrap of the test error at the full budget N; null when no trial finished. */
    public BudgetQuantiles full() {
        return bootstrap.isEmpty() ? null : bootstrap.get(bootstrap.size() - 1);
    }
}
