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

    /** How often each rank (0 = best of n) was the best of a budget-k draw, over the B resamples. */
    int[] counts(int n, int k) {
        long cacheKey = ((long) n << 32) | k;
        return draws.computeIfAbsent(cacheKey, key -> {
            int[] count = new int[n];
            for (int r : BestOfKSampler.drawRanks(n, k, resamples, Seeds.mix(Seeds.mix(seed, n), k))) {
                count[r]++;
            }
            return count;
        });
    }

    /**
     * Summary at budget k of {@code valuesByRank} (value of the i-th best trial at index i).
     * Equal to sorting the B picked values and taking the type-1 quantiles, but done on the
     * rank counts: only the ranks drawn at least once are sorted by value.
     */
    BudgetQuantiles at(double[] valuesByRank, int k) {
        int[] count = counts(valuesByRank.length, k);
        int drawn = 0;
        for (int c : count) {
            drawn += c > 0 ? 1 : 0;
        }
        Integer[] ranks = new Integer[drawn];
        for (int r = 0, j = 0; r < count.length; r++) {
            if (count[r] > 0) {
                ranks[j++] = r;
            }
        }
        java.util.Arrays.sort(ranks, (a, b) -> Double.compare(valuesByRank[a], valuesByRank[b]));
        double[] levels = {0.5, 0.05, 0.95};
        double[] q = new double[3];
        for (int l = 0; l < 3; l++) {
            long position = Quantiles.position(levels[l], resamples); // Q(p) = x(⌈pB⌉)
            long cumulative = 0;
            for (Integer r : ranks) {
                cumulative += count[r];
                if (cumulative >= position) {
                    q[l] = valuesByRank[r];
                    break;
                }
            }
        }
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
