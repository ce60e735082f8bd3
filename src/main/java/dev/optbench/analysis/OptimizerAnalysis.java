package dev.optbench.analysis;

import java.util.List;

/**
 * Everything the analysis says about one optimizer in one study. {@code trials} counts the
 * finished (completed or diverged) trials used; {@code excluded} the pending, running and failed
 * ones left out. {@code best} is null and the lists empty when no trial finished;
 * {@code stepsToTarget} and {@code trainingLoss} are null when the data for them is missing.
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
        List<BoundaryWarning> boundaryWarnings) {
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
