package dev.optbench.analysis;

import dev.optbench.study.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Boundary check (SPEC section 8): for each searched hyperparameter with a continuous range,
 * warn when any of the best 10% of trials (at least one, by validation error) lies within 5%
 * of a bound in scaled units.
 */
public final class BoundaryCheck {
    public static final double BEST_FRACTION = 0.10;
    public static final double MARGIN = 0.05;

    private BoundaryCheck() {}

    /** {@code ranked}: the finished trials, best first. */
    public static List<BoundaryWarning> check(List<Trial> ranked, Map<String, SearchRange> space) {
        List<BoundaryWarning> out = new ArrayList<>();
        if (ranked.isEmpty()) {
            return out;
        }
        int count = Math.max(1, (int) Math.ceil(BEST_FRACTION * ranked.size()));
        List<Trial> best = ranked.subList(0, Math.min(count, ranked.size()));
        for (SearchRange range : space.values()) {
            List<Integer> low = new ArrayList<>();
            List<Integer> high = new ArrayList<>();
            for (Trial t : best) {
                Double x = t.searched().get(range.name());
                if (x == null || x.isNaN()) {
                    continue;
                }
                double p = range.position(x);
                if (p <= MARGIN) {
                    low.add(t.index());
                } else if (p >= 1 - MARGIN) {
                    high.add(t.index());
                }
            }
            if (!low.isEmpty()) {
                out.add(new BoundaryWarning(range.name(), "lower", range.min(), low, best.size()));
            }
            if (!high.isEmpty()) {
                out.add(new BoundaryWarning(range.name(), "upper", range.max(), high, best.size()));
            }
        }
        return out;
    }
}
