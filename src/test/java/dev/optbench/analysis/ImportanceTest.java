package dev.optbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImportanceTest {
    @Test
    void mainEffectAgainstAHandDerivedValue() {
        // y = x at 1, 2, 3, 4; B = 2 bins {1, 2} {3, 4}: means 1.5 and 3.5 around 2.5, between = 4, total = 5,
        // η² = 0.8; chance share e = (2 − 1)/(4 − 1) = 1/3; corrected (0.8 − 1/3) / (2/3) = 0.7
        assertThat(Importance.mainEffect(new double[] {3, 1, 4, 2}, new double[] {3, 1, 4, 2})).isCloseTo(0.7, within(1e-12));
        // y constant: nothing to explain
        assertThat(Importance.mainEffect(new double[] {1, 2, 3, 4}, new double[] {5, 5, 5, 5})).isZero();
        // y alternating against the order of x: the bins' means are equal, η² = 0, corrected to 0 (not negative)
        assertThat(Importance.mainEffect(new double[] {1, 2, 3, 4}, new double[] {1, 2, 1, 2})).isZero();
    }

    @Test
    void theHyperparameterTheErrorDependsOnComesFirst() {
        // 16 trials: the error is a bowl in log10(learning_rate); one_minus_beta1 varies independently of it
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            double lr = Math.pow(10, -4 + 4 * ((i * 7) % 16) / 15.0);
            double beta = 0.01 + 0.5 * ((i * 5) % 16) / 15.0;
            double err = 0.1 + 0.05 * Math.pow(Math.log10(lr) + 2, 2);
            trials.add(TestTrials.trial("adam", i, TrialState.COMPLETED, err, err,
                    Map.of("learning_rate", lr, "one_minus_beta1", beta), List.of()));
        }
        String space = "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1, \"scaling\": \"log\"},"
                + " \"one_minus_beta1\": {\"min\": 0.01, \"max\": 0.51, \"scaling\": \"linear\"}}";
        Importance imp = Importance.of("adam", trials, SearchRange.parse(space));
        assertThat(imp.topPair()).containsExactly("learning_rate", "one_minus_beta1");
        assertThat(imp.importance().get("learning_rate")).isGreaterThan(0.5); // the bowl curves inside each of the 4 bins: not all of it is between bins
        assertThat(imp.importance().get("one_minus_beta1")).isLessThan(0.2);
    }
}
