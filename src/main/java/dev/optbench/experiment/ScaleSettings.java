package dev.optbench.experiment;

import java.util.List;

/**
 * What one scale of an experiment runs: these workloads, this many trials per optimizer in every
 * study, and what that costs (a human estimate shown by {@code reproduce --list}).
 */
public record ScaleSettings(List<String> workloads, int trialsPerOptimizer, String expectedCost) {
    public ScaleSettings {
        workloads = List.copyOf(workloads);
        if (workloads.isEmpty() || trialsPerOptimizer < 1) {
            throw new IllegalArgumentException("a scale needs workloads and at least one trial");
        }
    }
}
