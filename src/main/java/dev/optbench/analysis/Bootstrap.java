package dev.optbench.analysis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bootstrap of best-vs-budget for one optimizer (SPEC section 8): for budget k, draw k trials
 * with replacement, take the best by the selection key, record its value; B resamples; report
 * median, p5 and p95. The drawn ranks depend only on (seed, optimizer, n, k), so every metric
 * of one optimizer (test error, steps to target, …) is read off the same draws, and an
 * optimizer's numbers do not change when other optimizers join the study.
 */
final class Bootstrap {
    private final int resamples;
    private final long seed;
    private final Map<Long, int[]> draws = new HashMap<>();

    Bootstrap(int resamples, long seed, String optimizer) {
        this.resamples = resamples;
        this.seed = Seeds.mix(seed, optimizer.hashCode());
    }

    int[] ranks(int n, int k) {
        long cacheKey = ((long) n << 32) | k;
        return draws.computeIfAbsent(cacheKey,
                key -> BestOfKSampler.drawRanks(n, k, resamples, Seeds.mix(Seeds.mix(seed, n), k)));
    }

    /** Summary at budget k of {@code valuesByRank} (value of the i-th best trial at index i). */
    BudgetQuantiles at(double[] valuesByRank, int k) {
        int[] ranks = ranks(valuesByRank.length, k);
        double[] picked = new double[ranks.length];
        for (int b = 0; b < ranks.length; b++) {
            picked[b] = valuesByRank[ranks[b]];
        }
        double[] q = Quantiles.medianP5P95(picked);
        return new BudgetQuantiles(k, q[0], q[1], q[2]);
    }

    List<BudgetQuantiles> curve(double[] valuesByRank) {
        List<BudgetQuantiles> out = new ArrayList<>();
        for (int k : Budgets.upTo(valuesByRank.length)) {
            out.add(at(valuesByRank, k));
        }
        return out;
    }

    BudgetQuantiles full(double[] valuesByRank) {
        return at(valuesByRank, valuesByRank.length);
    }
}
