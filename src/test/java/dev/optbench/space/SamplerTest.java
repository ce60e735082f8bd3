package dev.optbench.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final SearchSpace SPACE = new SearchSpace(Map.of("learning_rate", new Range.Log(1e-5, 1e-1)));

    private static SearchSpace space4() {
        Map<String, Range> r = new LinkedHashMap<>();
        r.put("learning_rate", new Range.Log(1e-5, 1e-1));
        r.put("one_minus_beta1", new Range.Log(1e-3, 1.0));
        r.put("decay_steps_factor", new Range.Linear(0.5, 1.0));
        r.put("epsilon", new Range.Log(1e-10, 1e-2));
        return new SearchSpace(r);
    }

    /** Largest gap between the empirical CDF of xs (in [0,1)) and the uniform CDF. */
    private static double ksDistance(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        double d = 0;
        for (int i = 0; i < s.length; i++) {
            d = Math.max(d, Math.max((i + 1.0) / s.length - s[i], s[i] - (double) i / s.length));
        }
        return d;
    }

    @Test
    void haltonStratifiesEachDimensionExactlyOnItsBasePowers() {
        for (long seed : new long[] {1, 2, 42, 987654321L}) {
            ShuffledHalton h = new ShuffledHalton(4, seed);
            for (int d = 0; d < 4; d++) {
                int b = h.base(d);
                int n = b * b; // the first b^2 points: one in each of b^2 equal cells (shifted grid)
                double shift = h.point(0)[d]; // point 0 is the shift itself
                int[] cells = new int[n];
                for (int k = 0; k < n; k++) {
                    double x = h.point(k)[d] - shift;
                    x = x - Math.floor(x);
                    cells[(int) Math.floor(x * n + 1e-9) % n]++;
                }
                assertThat(cells).as("seed %d dim %d base %d", seed, d, b).containsOnly(1);
            }
        }
    }

    @Test
    void haltonPointsCoverEveryRangeWithoutClustering() {
        SearchSpace space = space4();
        int n = 128;
        double[][] unit = new double[space.dimensions()][n];
        for (int k = 0; k < n; k++) {
            Map<String, Double> p = Sampler.HALTON.point(space, 7, k, n);
            int d = 0;
            for (Map.Entry<String, Range> e : space.ranges().entrySet()) {
                double v = p.get(e.getKey());
                Range r = e.getValue();
                assertThat(v).isBetween(lower(r), upper(r));
                unit[d++][k] = r.toUnit(v);
            }
        }
        double randomKs = 0; // i.i.d. uniform points of the same size, for scale
        SplittableRandom rng = new SplittableRandom(3);
        for (int rep = 0; rep < 20; rep++) {
            double[] xs = new double[n];
            for (int i = 0; i < n; i++) {
                xs[i] = rng.nextDouble();
            }
            randomKs += ksDistance(xs) / 20;
        }
        for (double[] xs : unit) {
            // Halton's discrepancy is O(log n / n): far below random's ~0.8/sqrt(n) ≈ 0.07.
            assertThat(ksDistance(xs)).isLessThan(0.035).isLessThan(randomKs / 2);
            int[] bins = new int[8];
            for (double x : xs) {
                bins[(int) (x * 8)]++;
            }
            assertThat(Arrays.stream(bins).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(14, 18));
        }
        // Pairs of dimensions fill the square: every 4x4 cell gets 8 ± 3 of the 128 points.
        for (int a = 0; a < unit.length; a++) {
            for (int b = a + 1; b < unit.length; b++) {
                int[] cells = new int[16];
                for (int k = 0; k < n; k++) {
                    cells[(int) (unit[a][k] * 4) * 4 + (int) (unit[b][k] * 4)]++;
                }
                assertThat(Arrays.stream(cells).boxed().toList()).allSatisfy(c -> assertThat(c).isBetween(5, 11));
            }
        }
    }

    @Test
    void logRangesAreUniformInLogSpaceNotLinearSpace() {
        int n = 100;
        double[] logUnits = new double[n];
        double[] linearUnits = new double[n];
        for (int k = 0; k < n; k++) {
            double lr = Sampler.HALTON.point(SPACE, 11, k, n).get("learning_rate");
            logUnits[k] = (Math.log10(lr) + 5) / 4; // [1e-5, 1e-1] → [0, 1] in log10
            linearUnits[k] = (lr - 1e-5) / (1e-1 - 1e-5);
        }
        assertThat(ksDistance(logUnits)).isLessThan(0.04);
        // In linear units 90% of the points lie below 0.1 (three of four decades are < 1e-2).
        assertThat(ksDistance(linearUnits)).isGreaterThan(0.5);
        long perDecade = Arrays.stream(logUnits).filter(u -> u < 0.25).count();
        assertThat(perDecade).isBetween(23L, 27L);
    }

    @Test
    void pointKIsAPureFunctionOfSeedAndK() {
        SearchSpace space = space4();
        for (Sampler s : Sampler.values()) {
            List<Map<String, Double>> forward = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                forward.add(s.point(space, 123, k, 20));
            }
            for (int k = 19; k >= 0; k--) { // any order, fresh computation: same point
                assertThat(s.point(space, 123, k, 20)).as("%s k=%d", s, k).isEqualTo(forward.get(k));
            }
            if (s != Sampler.GRID) {
                assertThat(s.point(space, 124, 5, 20)).isNotEqualTo(forward.get(5));
                assertThat(forward.get(5)).isNotEqualTo(forward.get(6));
            }
        }
        // Different seeds give different shifts and permutations.
        assertThat(new ShuffledHalton(4, 1).point(3)).isNotEqualTo(new ShuffledHalton(4, 2).point(3));
    }

    @Test
    void gridOnALogRangeIsALogGrid() {
        List<Double> lrs = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            lrs.add(Sampler.GRID.point(SPACE, 0, k, 5).get("learning_rate"));
        }
        assertThat(lrs).hasSize(5);
        double[] expected = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1};
        for (int i = 0; i < 5; i++) {
            assertThat(lrs.get(i)).isCloseTo(expected[i], org.assertj.core.data.Percentage.withPercentage(1e-9));
        }
        // Two dimensions, 9 trials: 3 levels each, every combination once.
        Map<String, Range> r = new LinkedHashMap<>();
        r.put("a", new Range.Linear(0, 1));
        r.put("b", new Range.Feasible(List.of(7.0, 8.0, 9.0)));
        SearchSpace two = new SearchSpace(r);
        java.util.Set<Map<String, Double>> seen = new java.util.HashSet<>();
        for (int k = 0; k < 9; k++) {
            seen.add(Sampler.GRID.point(two, 0, k, 9));
        }
        assertThat(seen).hasSize(9).contains(Map.of("a", 0.5, "b", 8.0), Map.of("a", 1.0, "b", 9.0));
    }

    @Test
    void trialSeedsDifferPerIndexAndRepeat() {
        assertThat(Seeds.trialSeed(1, 0)).isEqualTo(Seeds.trialSeed(1, 0)).isNotEqualTo(Seeds.trialSeed(1, 1))
                .isNotEqualTo(Seeds.trialSeed(2, 0)).isNotNegative();
    }

    private static double lower(Range r) {
        return r instanceof Range.Log l ? l.min() : ((Range.Linear) r).min();
    }

    private static double upper(Range r) {
        return r instanceof Range.Log l ? l.max() : ((Range.Linear) r).max();
    }
}
