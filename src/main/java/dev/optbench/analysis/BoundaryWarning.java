package dev.optbench.analysis;

import java.util.List;

/**
 * Some of the best 10% of trials lie within 5% (in scaled units: log for log ranges) of a
 * search-space bound, so the best point may lie outside the range (SPEC section 8).
 */
public record BoundaryWarning(String hparam, String side, double bound, List<Integer> trials, int bestCount) {
    public BoundaryWarning {
        trials = List.copyOf(trials);
    }

    public String message() {
        return hparam + ": " + trials.size() + " of the best " + bestCount + " trials lie within 5% of the "
                + side + " bound " + bound + " (trials " + trials + "); widen the range";
    }
}
