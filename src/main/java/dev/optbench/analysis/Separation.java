package dev.optbench.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How many trials per optimizer would separate two optimizers whose bootstrap 5–95% intervals
 * of the best trial's test error overlap at the study's budget (SPEC section 8's ties).
 *
 * <p>Method: on the exact best-of-k distribution ({@link ExactBestOfK}, the bootstrap's limit
 * as B → ∞) of each optimizer's observed trials, the smallest k above the budget n at which the
 * two [Q(0.05), Q(0.95)] intervals are disjoint, scanned up to {@link #CAP} trials. This
 * extrapolates by resampling the trials already run: it assumes more trials would look like
 * them, so it cannot foresee a better trial than the best one seen. As k grows each interval
 * shrinks to its optimizer's best trial, so two optimizers whose best trials have the same test
 * error are never separated ({@code never}); those that need more than the cap are reported as
 * "more than" ({@code capped}).
 *
 * @param better the optimizer with the lower best trial (the one ahead once separated)
 * @param worse the other
 * @param budget n, the trials per optimizer analysed now (the smaller of the two)
 * @param needed the smallest separating k (null when never or capped)
 * @param capped true when not separated up to {@link #CAP}
 */
public record Separation(String better, String worse, int budget, Integer needed, boolean capped) {
    /** The largest number of trials per optimizer the scan tries. */
    public static final int CAP = 1000;

    public boolean never() {
        return needed == null && !capped;
    }

    /** Trials per optimizer still to run: needed − budget (null when never or capped). */
    public Integer more() {
        return needed == null ? null : needed - budget;
    }

    /** A sentence for the report, e.g. "about 19 more trials per optimizer would be needed to separate adam and sgd". */
    public String sentence() {
        if (never()) {
            return better + " and " + worse + " cannot be separated by more trials of the same kind: their best trials "
                    + "have the same test error";
        }
        if (capped) {
            return "more than " + (CAP - budget) + " more trials per optimizer would be needed to separate " + better
                    + " and " + worse;
        }
        return "about " + more() + " more trial" + (more() == 1 ? "" : "s") + " per optimizer would be needed to separate "
                + better + " and " + worse;
    }

    /** Every pair whose intervals overlap at the full budget, in the map's order; values by validation rank. */
    static List<Separation> table(Map<String, double[]> testByRank, Map<String, BudgetQuantiles> full) {
        List<String> names = testByRank.keySet().stream()
                .filter(o -> testByRank.get(o).length > 0 && full.containsKey(o)).toList();
        List<Separation> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                String a = names.get(i);
                String b = names.get(j);
                if (full.get(a).overlaps(full.get(b))) {
                    out.add(estimate(a, testByRank.get(a), b, testByRank.get(b), CAP));
                }
            }
        }
        return out;
    }

    /** The estimate for one overlapping pair, scanning k from the budget + 1 to {@code cap}. */
    static Separation estimate(String a, double[] aByRank, String b, double[] bByRank, int cap) {
        ExactBestOfK x = new ExactBestOfK(aByRank);
        ExactBestOfK y = new ExactBestOfK(bByRank);
        boolean aAhead = aByRank[0] < bByRank[0] || (aByRank[0] == bByRank[0] && x.median(x.size()) <= y.median(y.size()));
        String better = aAhead ? a : b;
        String worse = aAhead ? b : a;
        int n = Math.min(aByRank.length, bByRank.length);
        if (aByRank[0] == bByRank[0]) {
            return new Separation(better, worse, n, null, false);
        }
        ExactBestOfK lo = aAhead ? x : y;
        ExactBestOfK hi = aAhead ? y : x;
        for (int k = n + 1; k <= cap; k++) {
            if (lo.quantile(k, 0.95) < hi.quantile(k, 0.05)) {
                return new Separation(better, worse, n, k, false);
            }
        }
        return new Separation(better, worse, n, null, true);
    }
}
