package dev.optbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.study.Trial;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap against the exact distribution of the best of k draws with replacement from N
 * trials sorted by validation error: P(i-th best) = ((N−i+1)/N)^k − ((N−i)/N)^k.
 *
 * <p>What makes it strict: the test errors are a permutation of distinct values (not monotone
 * in rank), so the quantile of test error depends on the whole rank distribution, not only on
 * a rank quantile; and for every checked (k, p) the exact CDF is at least 6 standard errors of
 * the empirical CDF away from p on both sides of the exact quantile (asserted as a
 * precondition), so the type-1 sample quantile can land on no other value than the exact one.
 * A sampler with the wrong k, an off-by-one rank or max instead of min gives other quantiles
 * (checked as controls).
 */
class BootstrapExactTest {
    /** Test errors of the i-th best trial by validation error (i = 1 … 7). */
    private static final double[] TEST = {0.14, 0.16, 0.13, 0.12, 0.15, 0.11, 0.10};
    private static final int N = TEST.length;
    private static final int B = 10_000;

    @Test
    void medianAndPercentilesEqualTheExactQuantilesAtEveryBudget() {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            // validation errors 0.30, 0.31, … make trial i+1 the (i+1)-th best; indices scrambled
            trials.add(TestTrials.done("adam", (5 * i + 3) % N, 0.30 + 0.01 * i, TEST[i]));
        }
        StudyAnalysis s = TestTrials.analyze(
                TestTrials.study("exact", "w", "full", List.of("adam"), trials, null), B);
        List<BudgetQuantiles> boot = s.optimizers().get("adam").bootstrap();
        assertThat(boot).extracting(BudgetQuantiles::budget).containsExactly(1, 2, 4, 7);
        for (BudgetQuantiles q : boot) {
            int k = q.budget();
            assertThat(q.median()).as("median at k=%d", k).isEqualTo(exactQuantile(k, 0.5, TEST));
            assertThat(q.p5()).as("p5 at k=%d", k).isEqualTo(exactQuantile(k, 0.05, TEST));
            assertThat(q.p95()).as("p95 at k=%d", k).isEqualTo(exactQuantile(k, 0.95, TEST));
            // controls: the wrong budget or choosing the worst would have been caught
            if (k > 1) {
                assertThat(new double[] {q.median(), q.p5(), q.p95()}).isNotEqualTo(
                        new double[] {exactQuantile(1, 0.5, TEST), exactQuantile(1, 0.05, TEST),
                            exactQuantile(1, 0.95, TEST)});
                assertThat(new double[] {q.median(), q.p5(), q.p95()}).isNotEqualTo(
                        new double[] {exactQuantile(k, 0.5, reversed()), exactQuantile(k, 0.05, reversed()),
                            exactQuantile(k, 0.95, reversed())});
            }
        }
        // hand check of one value: k=2, P(best) = 1 − (6/7)² = 13/49, P(2nd) = (6/7)² − (5/7)² = 11/49,
        // sorted test values 0.10 (rank 7, 1/49), 0.11 (rank 6, 3/49), 0.12 (rank 4, 7/49) … → p5 = 0.11
        assertThat(boot.get(1).p5()).isEqualTo(0.11);
    }

    @Test
    void exactQuantilesAreFarFromTheDecisionBoundaries() {
        for (int k : Budgets.upTo(N)) {
            for (double p : new double[] {0.05, 0.5, 0.95}) {
                double sigma = Math.sqrt(p * (1 - p) / B);
                double[] f = cdfAround(k, p, TEST);
                assertThat(p - f[0]).as("k=%d p=%s below", k, p).isGreaterThan(6 * sigma);
                assertThat(f[1] - p).as("k=%d p=%s above", k, p).isGreaterThan(6 * sigma);
            }
        }
    }

    @Test
    void drawnRanksFollowTheExactDistribution() {
        int draws = 1_000_000;
        for (int[] nk : new int[][] {{7, 1}, {7, 2}, {7, 7}, {1000, 1}, {1000, 16}, {1000, 512}, {1000, 1000}}) {
            int n = nk[0];
            int k = nk[1];
            int[] ranks = BestOfKSampler.drawRanks(n, k, draws, 7 + k);
            long[] count = new long[n];
            for (int r : ranks) {
                count[r]++;
            }
            for (int i = 1; i <= Math.min(n, 10); i++) {
                double p = BestOfKSampler.exactProbability(n, k, i);
                double sd = Math.sqrt(draws * p * (1 - p));
                assertThat((double) count[i - 1]).as("n=%d k=%d rank %d", n, k, i)
                        .isCloseTo(draws * p, org.assertj.core.data.Offset.offset(5 * sd + 1));
            }
        }
    }

    @Test
    void exactProbabilitiesSumToOne() {
        double sum = 0;
        for (int i = 1; i <= 50; i++) {
            sum += BestOfKSampler.exactProbability(50, 8, i);
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(BestOfKSampler.exactProbability(7, 2, 1)).isCloseTo(13.0 / 49, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void sameSeedSameNumbersOtherSeedOtherDraws() {
        assertThat(BestOfKSampler.drawRanks(100, 4, 1000, 5)).isEqualTo(BestOfKSampler.drawRanks(100, 4, 1000, 5));
        assertThat(BestOfKSampler.drawRanks(100, 4, 1000, 5)).isNotEqualTo(BestOfKSampler.drawRanks(100, 4, 1000, 6));
    }

    private static double[] reversed() {
        double[] r = new double[N];
        for (int i = 0; i < N; i++) {
            r[i] = TEST[N - 1 - i];
        }
        return r;
    }

    /** min{x : F(x) ≥ p} for the exact distribution of the chosen trial's test error. */
    static double exactQuantile(int k, double p, double[] testByRank) {
        double[][] dist = distribution(k, testByRank);
        double cdf = 0;
        for (double[] d : dist) {
            cdf += d[1];
            if (cdf >= p - 1e-12) {
                return d[0];
            }
        }
        return dist[dist.length - 1][0];
    }

    /** {F(just below the exact quantile), F(at it)}. */
    private static double[] cdfAround(int k, double p, double[] testByRank) {
        double[][] dist = distribution(k, testByRank);
        double cdf = 0;
        for (double[] d : dist) {
            double before = cdf;
            cdf += d[1];
            if (cdf >= p) {
                return new double[] {before, cdf};
            }
        }
        throw new AssertionError();
    }

    /** (test error, probability) sorted by test error. */
    private static double[][] distribution(int k, double[] testByRank) {
        int n = testByRank.length;
        double[][] d = new double[n][];
        for (int i = 1; i <= n; i++) {
            double prob = Math.pow((n - i + 1.0) / n, k) - Math.pow((n - (double) i) / n, k);
            d[i - 1] = new double[] {testByRank[i - 1], prob};
        }
        java.util.Arrays.sort(d, java.util.Comparator.comparingDouble(x -> x[0]));
        return d;
    }
}
