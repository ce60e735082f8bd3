package dev.optbench.analysis;

import java.util.List;

/**
 * A ranking recomputed at one step-budget fraction ({@code kind} "budget") or one target
 * ({@code kind} "target"). {@code orderChanged}: some pair of optimizers has strictly opposite
 * orders by median here and in the reference (100% of the budget, or the workload's own target);
 * ties do not count. {@code significantChange}: some pair is separated (disjoint intervals) in
 * both and in opposite orders.
 */
public record SensitivityRanking(String kind, double value, List<RankEntry> ranking, boolean orderChanged,
        boolean significantChange) {
    public SensitivityRanking {
        ranking = List.copyOf(ranking);
    }
}
