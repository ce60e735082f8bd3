package dev.optbench.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tuning cost to match (SPEC section 10): for optimizers N and M of one study, the smallest
 * number of trials k at which N's median best-of-k test error reaches M's median best at M's
 * full budget, {@code min{k ∈ 1…n_N : med_N(k) ≤ med_M(n_M)}}, or never (null) within the study.
 *
 * <p>Every k from 1 to n_N is evaluated, not only the powers of two of the best-vs-budget
 * curve, on the <em>exact</em> best-of-k distribution ({@link ExactBestOfK}, the bootstrap's
 * limit as B → ∞) rather than on B sampled resamples, for both N's medians and M's target: so
 * the answer has no Monte-Carlo noise, and no seed. {@code offset} is the number of trials
 * already spent before the bootstrapped ones (a fitted study's stage 1, see docs/analysis.md);
 * it is added to k, so the cost is counted in trials of the whole study.
 *
 * @param trials the smallest such budget (offset included); null for "never"
 * @param available the largest budget N had (n_N + offset)
 */
public record CostToMatch(String optimizer, String target, double targetMedian, Integer trials, int available) {

    public boolean never() {
        return trials == null;
    }

    /** Every ordered pair (N, M), N ≠ M, of the optimizers with finished trials, in the map's order. */
    static List<CostToMatch> table(Map<String, double[]> testByRank, int offset) {
        List<CostToMatch> out = new ArrayList<>();
        Map<String, ExactBestOfK> exact = new java.util.LinkedHashMap<>();
        testByRank.forEach((o, v) -> {
            if (v.length > 0) {
                exact.put(o, new ExactBestOfK(v));
            }
        });
        for (Map.Entry<String, ExactBestOfK> n : exact.entrySet()) {
            for (Map.Entry<String, ExactBestOfK> m : exact.entrySet()) {
                if (n.getKey().equals(m.getKey())) {
                    continue;
                }
                double target = m.getValue().median(m.getValue().size());
                out.add(new CostToMatch(n.getKey(), m.getKey(), target, smallestK(n.getValue(), target, offset),
                        n.getValue().size() + offset));
            }
        }
        return out;
    }

    /** min{k : med(k) ≤ target} + offset, or null. */
    static Integer smallestK(ExactBestOfK n, double target, int offset) {
        for (int k = 1; k <= n.size(); k++) {
            if (n.median(k) <= target) {
                return k + offset;
            }
        }
        return null;
    }
}
