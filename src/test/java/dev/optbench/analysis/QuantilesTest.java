package dev.optbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QuantilesTest {
    @Test
    void typeOneQuantileIsTheCeilingOrderStatistic() {
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(Quantiles.ofSorted(x, 0.5)).isEqualTo(5); // ⌈5⌉ = 5th
        assertThat(Quantiles.ofSorted(x, 0.05)).isEqualTo(1); // ⌈0.5⌉ = 1st
        assertThat(Quantiles.ofSorted(x, 0.95)).isEqualTo(10); // ⌈9.5⌉ = 10th
        assertThat(Quantiles.ofSorted(x, 0.51)).isEqualTo(6);
        assertThat(Quantiles.ofSorted(x, 0.0)).isEqualTo(1);
        assertThat(Quantiles.ofSorted(x, 1.0)).isEqualTo(10);
    }

    @Test
    void infinitySortsLastAndCanBeAQuantile() {
        double[] q = Quantiles.medianP5P95(new double[] {Double.POSITIVE_INFINITY, 3, Double.POSITIVE_INFINITY, 1});
        assertThat(q[0]).isEqualTo(3);
        assertThat(q[1]).isEqualTo(1);
        assertThat(q[2]).isInfinite();
    }

    @Test
    void rejectsEmptyAndBadLevels() {
        assertThatThrownBy(() -> Quantiles.ofSorted(new double[0], 0.5)).hasMessageContaining("no values");
        assertThatThrownBy(() -> Quantiles.ofSorted(new double[] {1}, 1.5)).hasMessageContaining("[0, 1]");
    }

    @Test
    void budgetsArePowersOfTwoThenN() {
        assertThat(Budgets.upTo(1)).isEqualTo(List.of(1));
        assertThat(Budgets.upTo(7)).isEqualTo(List.of(1, 2, 4, 7));
        assertThat(Budgets.upTo(8)).isEqualTo(List.of(1, 2, 4, 8));
        assertThat(Budgets.upTo(1000)).hasSize(11).endsWith(512, 1000);
    }

    @Test
    void bootstrapFromRankCountsEqualsSortingThePickedValues() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int n : new int[] {1, 5, 37, 300}) {
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(3) == 0 ? Double.POSITIVE_INFINITY : Math.round(random.nextDouble() * 50) / 50.0;
            }
            for (int resamples : new int[] {1, 19, 1000, 4001}) {
                Bootstrap b = new Bootstrap(resamples, 11, "adam");
                for (int k : Budgets.upTo(n)) {
                    double[] picked = new double[resamples];
                    int j = 0;
                    int[] count = b.counts(n, k);
                    for (int r = 0; r < n; r++) {
                        for (int c = 0; c < count[r]; c++) {
                            picked[j++] = values[r];
                        }
                    }
                    double[] q = Quantiles.medianP5P95(picked);
                    assertThat(b.at(values, k)).isEqualTo(new BudgetQuantiles(k, q[0], q[1], q[2]));
                }
            }
        }
    }

    @Test
    void positionIsRobustToBinaryRounding() {
        assertThat(Quantiles.position(0.95, 10_000)).isEqualTo(9500);
        assertThat(Quantiles.position(0.05, 10_000)).isEqualTo(500);
        assertThat(Quantiles.position(0.05, 19)).isEqualTo(1);
        assertThat(Quantiles.position(0.5, 19)).isEqualTo(10);
        assertThat(Quantiles.position(0.0, 19)).isEqualTo(1);
    }
}
