package dev.optbench.analysis;

import java.util.List;
import java.util.Map;

/**
 * What the fitted protocol did for one optimizer (SPEC section 10): the wide stage-1 space and
 * the fitted stage-2 space (AlgoPerf JSON), why each range moved, how many points each stage
 * had finished, and the boundary check of stage 2 in the fitted space (empty = passed).
 */
public record FitSummary(String wide, String fitted, Map<String, String> reasons, int stage1Points, int stage1Finished,
        int stage2Points, List<BoundaryWarning> stage2Boundary) {
    public FitSummary {
        reasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reasons));
        stage2Boundary = List.copyOf(stage2Boundary);
    }

    public boolean boundaryPassed() {
        return stage2Boundary.isEmpty();
    }
}
