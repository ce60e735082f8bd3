package dev.optbench.analysis;

import java.util.List;

/**
 * Steps to target for one optimizer: the first evaluated step at which the validation error is
 * at or below {@code target} (null when the target is unknown and stored values were used),
 * for the best trial, and bootstrapped like the test error. +∞ means "not reached".
 */
public record StepsToTarget(Double target, double best, int reached, int notReached, List<BudgetQuantiles> bootstrap) {
    public StepsToTarget {
        bootstrap = List.copyOf(bootstrap);
    }

    public BudgetQuantiles full() {
        return bootstrap.get(bootstrap.size() - 1);
    }
}
