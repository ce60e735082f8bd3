package dev.optbench.analysis;

/**
 * Inclusion consistency for M ⊆ N (SPEC section 8): consistent when N's bootstrap median at
 * the full budget is at most M's 95th percentile.
 */
public record InclusionCheck(String subset, String superset, double supersetMedian, double subsetP95, boolean consistent) {}
