package dev.optbench.analysis;

import java.util.Arrays;

/**
 * Sample quantiles by the inverse empirical distribution function (Hyndman and Fan type 1):
 * for sorted values x(1) ≤ … ≤ x(n), Q(p) = x(⌈p·n⌉) (and x(1) for p = 0). No interpolation,
 * so a quantile is always one of the observed values; for a discrete distribution it converges
 * to the exact quantile min{x : F(x) ≥ p}. Infinite values (targets never reached) sort last.
 */
public final class Quantiles {
    private Quantiles() {}

    /** Q(p) of values already sorted ascending. */
    public static double ofSorted(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values to take a quantile of");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile level must be in [0, 1], got " + p);
        }
        return sorted[(int) position(p, sorted.length) - 1];
    }

    /**
     * The 1-based order statistic ⌈p·n⌉ (at least 1) that is Q(p); p·n is rounded to 9 decimals
     * first, so 0.95 · 10000 is 9500 however p·n rounds in binary.
     */
    public static long position(double p, long n) {
        double pn = Math.rint(p * n * 1e9) / 1e9;
        return Math.max(1, (long) Math.ceil(pn));
    }

    /** Sorts {@code values} in place and returns median, 5th and 95th percentiles. */
    public static double[] medianP5P95(double[] values) {
        Arrays.sort(values);
        return new double[] {ofSorted(values, 0.5), ofSorted(values, 0.05), ofSorted(values, 0.95)};
    }
}
