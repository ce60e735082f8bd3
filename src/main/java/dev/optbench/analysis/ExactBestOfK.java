package dev.optbench.analysis;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The exact distribution of the bootstrap's "best of k" (the limit B → ∞ of {@link Bootstrap}):
 * k trials drawn with replacement from n sorted best first, the best drawn is the i-th best with
 * P = ((n−i+1)/n)^k − ((n−i)/n)^k ({@link BestOfKSampler#exactProbability}); the value recorded
 * is that trial's value (e.g. its test error). Quantiles are type 1, Q(p) = min{x : F(x) ≥ p},
 * as the bootstrap's. Cheap: the values are sorted once, each k costs O(n).
 */
final class ExactBestOfK {
    /** Tolerance of F(x) ≥ p against rounding in the summed probabilities. */
    private static final double EPS = 1e-12;

    private final double[] valuesByRank;
    private final Integer[] byValue;

    /** {@code valuesByRank}: value of the i-th best trial (by the selection key) at index i. */
    ExactBestOfK(double[] valuesByRank) {
        this.valuesByRank = valuesByRank.clone();
        int n = valuesByRank.length;
        byValue = new Integer[n];
        for (int i = 0; i < n; i++) {
            byValue[i] = i;
        }
        Arrays.sort(byValue, Comparator.comparingDouble((Integer r) -> this.valuesByRank[r]).thenComparingInt(r -> r));
    }

    int size() {
        return valuesByRank.length;
    }

    /** Q(p) of the value of the best of k draws. */
    double quantile(int k, double p) {
        int n = valuesByRank.length;
        if (n == 0 || k < 1) {
            throw new IllegalArgumentException("need n >= 1 and k >= 1");
        }
        double cdf = 0;
        for (int j = 0; j < n; j++) {
            int r = byValue[j];
            cdf += BestOfKSampler.exactProbability(n, k, r + 1);
            boolean lastOfTies = j == n - 1 || valuesByRank[byValue[j + 1]] != valuesByRank[r];
            if (lastOfTies && cdf >= p - EPS) {
                return valuesByRank[r];
            }
        }
        return valuesByRank[byValue[n - 1]];
    }

    double median(int k) {
        return quantile(k, 0.5);
    }
}
