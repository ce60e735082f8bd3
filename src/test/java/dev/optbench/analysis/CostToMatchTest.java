package dev.optbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.study.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Tuning cost to match against hand-derived values and against the exact best-of-k quantiles
 * computed independently ({@link BootstrapExactTest#exactQuantile}) at every k.
 */
class CostToMatchTest {

    /** n trials whose i-th best by validation error has test error {@code testByRank[i]}. */
    private static List<Trial> trials(String optimizer, double[] testByRank) {
        List<Trial> out = new ArrayList<>();
        for (int i = 0; i < testByRank.length; i++) {
            out.add(TestTrials.done(optimizer, (7 * i + 3) % testByRank.length, 0.2 + 0.001 * i, testByRank[i]));
        }
        return out;
    }

    private static double[] linear(int n, double first, double step) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = first + step * i;
        }
        return v;
    }

    private static CostToMatch cost(StudyAnalysis s, String n, String m) {
        return s.costToMatch().stream().filter(c -> c.optimizer().equals(n) && c.target().equals(m)).findFirst().orElseThrow();
    }

    @Test
    void handDerivedCostsIncludeBudgetsThatAreNoPowerOfTwo() {
        // a: test error 0.10, 0.11, ..., 0.19 by rank (n = 10). The median best of k is the value of the
        // smallest rank r (0-based) with P(min ≤ r) = 1 − ((9 − r)/10)^k ≥ 1/2.
        // b's best is 0.105 and P(b picks its best at k = 10) = 1 − 0.9^10 = 0.65 ≥ 1/2: b's target is 0.105.
        // a reaches 0.105 only at rank 0: 0.9^k ≤ 1/2 ⇔ k ≥ ln 2 / ln(10/9) = 6.58, so k = 7.
        // c's best is 0.115 (target 0.115): a needs rank ≤ 1: 0.8^k ≤ 1/2 ⇔ k ≥ 3.11, so k = 4.
        List<Trial> all = new ArrayList<>(trials("a", linear(10, 0.10, 0.01)));
        all.addAll(trials("b", linear(10, 0.105, 0.05)));
        all.addAll(trials("c", linear(10, 0.115, 0.05)));
        StudyAnalysis s = TestTrials.analyze(TestTrials.study("cost", "w", "full", List.of("a", "b", "c"), all, null), 1000);
        assertThat(cost(s, "a", "b").targetMedian()).isEqualTo(0.105);
        assertThat(cost(s, "a", "b").trials()).isEqualTo(7);
        assertThat(cost(s, "a", "c").trials()).isEqualTo(4);
        // b's values are all above a's best 0.10: never
        assertThat(cost(s, "b", "a").never()).isTrue();
        // b needs median ≤ 0.115: only its rank 0 (0.105), so again k = 7
        assertThat(cost(s, "b", "c").trials()).isEqualTo(7);
        assertThat(cost(s, "c", "a").never()).isTrue();
        assertThat(cost(s, "c", "b").never()).isTrue();
        assertThat(cost(s, "a", "b").available()).isEqualTo(10);
        assertThat(s.costToMatch()).hasSize(6); // every ordered pair, no diagonal

        String text = AnalysisText.write(new Analyzer(AnalysisOptions.of(1000, 42))
                .analyze(List.of(TestTrials.study("cost", "w", "full", List.of("a", "b", "c"), all, null))));
        assertThat(text).contains("Tuning cost to match").containsPattern("a\\s+-\\s+7\\s+4\\s+10")
                .containsPattern("c\\s+never\\s+never\\s+-\\s+10");
        String json = AnalysisJson.write(new Analyzer(AnalysisOptions.of(1000, 42))
                .analyze(List.of(TestTrials.study("cost", "w", "full", List.of("a", "b", "c"), all, null))));
        assertThat(json).contains("\"cost_to_match\"").contains("\"never\" : true").contains("\"trials\" : 7");
    }

    @Test
    void matchesTheExactQuantilesAtEveryBudgetOnRandomTrialSets() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int round = 0; round < 20; round++) {
            int na = 5 + rng.nextInt(40);
            int nb = 5 + rng.nextInt(40);
            // test errors: a noisy increasing function of the validation rank (uniform noise, known law)
            double[] a = new double[na];
            double[] b = new double[nb];
            for (int i = 0; i < na; i++) {
                a[i] = 0.10 + 0.2 * i / na + 0.1 * rng.nextDouble();
            }
            for (int i = 0; i < nb; i++) {
                b[i] = 0.12 + 0.2 * i / nb + 0.1 * rng.nextDouble();
            }
            List<Trial> all = new ArrayList<>(trials("a", a));
            all.addAll(trials("b", b));
            StudyAnalysis s = TestTrials.analyze(TestTrials.study("r", "w", "full", List.of("a", "b"), all, null), 200);
            check(cost(s, "a", "b"), a, b);
            check(cost(s, "b", "a"), b, a);
        }
    }

    private static void check(CostToMatch c, double[] n, double[] m) {
        double target = BootstrapExactTest.exactQuantile(m.length, 0.5, m);
        assertThat(c.targetMedian()).isEqualTo(target);
        Integer expected = null;
        for (int k = 1; k <= n.length && expected == null; k++) {
            if (BootstrapExactTest.exactQuantile(k, 0.5, n) <= target) {
                expected = k;
            }
        }
        assertThat(c.trials()).as("%s vs %s", c.optimizer(), c.target()).isEqualTo(expected);
    }

    @Test
    void exactMedianAgreesWithTheSampledBootstrapAtItsBudgets() {
        double[] v = {0.14, 0.16, 0.13, 0.12, 0.15, 0.11, 0.10};
        ExactBestOfK e = new ExactBestOfK(v);
        for (int k : Budgets.upTo(v.length)) {
            assertThat(e.median(k)).isEqualTo(BootstrapExactTest.exactQuantile(k, 0.5, v));
            assertThat(e.quantile(k, 0.05)).isEqualTo(BootstrapExactTest.exactQuantile(k, 0.05, v));
            assertThat(e.quantile(k, 0.95)).isEqualTo(BootstrapExactTest.exactQuantile(k, 0.95, v));
        }
    }
}
