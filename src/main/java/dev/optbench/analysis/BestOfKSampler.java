package dev.optbench.analysis;

import java.util.SplittableRandom;

/**
 * Draws, for the bootstrap of best-vs-budget, the rank (0 = best) of the best of k trials drawn
 * with replacement from n trials sorted best first.
 *
 * <p>The best of k uniform draws from {0, …, n−1} is their minimum m, with
 * P(m ≥ j) = ((n − j)/n)^k, so P(m = i−1) = ((n−i+1)/n)^k − ((n−i)/n)^k for the i-th best.
 * Rather than drawing k integers and taking their minimum, each resample inverts this
 * distribution: with V uniform on (0, 1], m = ⌊n·(1 − V^(1/k))⌋, because
 * P(m ≥ j) = P(V^(1/k) ≤ 1 − j/n) = (1 − j/n)^k. One random number per resample, whatever k.
 */
public final class BestOfKSampler {
    private BestOfKSampler() {}

    /** {@code resamples} ranks of the best of {@code k} draws from {@code n}, seeded. */
    public static int[] drawRanks(int n, int k, int resamples, long seed) {
        if (n < 1 || k < 1 || resamples < 1) {
            throw new IllegalArgumentException("n, k and resamples must be positive");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] ranks = new int[resamples];
        double invK = 1.0 / k;
        for (int b = 0; b < resamples; b++) {
            double v = 1.0 - random.nextDouble(); // (0, 1]
            int m = (int) (n * (1.0 - Math.pow(v, invK)));
            ranks[b] = Math.min(m, n - 1);
        }
        return ranks;
    }

    /** The exact probability that the best of k draws is the i-th best (i = 1 … n). */
    public static double exactProbability(int n, int k, int i) {
        return Math.pow((n - i + 1.0) / n, k) - Math.pow((n - (double) i) / n, k);
    }
}
