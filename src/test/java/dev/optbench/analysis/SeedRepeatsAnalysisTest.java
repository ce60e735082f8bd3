package dev.optbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.optbench.study.StudyDefinition;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Seed repeats in the analysis: the mean over seeds is a point's outcome; the lucky-seed flag. */
class SeedRepeatsAnalysisTest {
    private static Trial seed(String optimizer, int point, int repeat, double val, double test, TrialState state) {
        return new Trial("s", optimizer, 3 * point + repeat, state, Map.of("learning_rate", 0.1 * (point + 1)),
                Map.of("learning_rate", 0.1 * (point + 1)), 1000L * point + repeat, "w", Instant.EPOCH, Instant.EPOCH, 10,
                1.0, state == TrialState.DIVERGED ? 1.0 : val, state == TrialState.DIVERGED ? 1.0 : test, null, Map.of(),
                null, List.of(), point, repeat, 1);
    }

    private static void point(List<Trial> out, String optimizer, int point, double... vals) {
        for (int r = 0; r < 3; r++) {
            out.add(seed(optimizer, point, r, vals[r], vals[r] + 0.01, TrialState.COMPLETED));
        }
    }

    private static StudyAnalysis analyze(List<Trial> trials) {
        StudyDefinition def = new StudyDefinition("s", "w", "full", List.of("lucky", "steady"), 3, 1, "halton", Map.of(),
                Instant.EPOCH, 3, null);
        return new Analyzer(AnalysisOptions.of(1000, 1)).analyze(List.of(new StudyData(def, trials, null))).studies().get(0);
    }

    @Test
    void meanOverSeedsSpreadAndTheLuckySeedFlag() {
        List<Trial> t = new ArrayList<>();
        // lucky: point 0 has one excellent seed; means 0.2333 (best), 0.24, 0.40;
        // without its best seed point 0's mean is 0.30 > runner-up 0.24 → won by one lucky seed
        point(t, "lucky", 0, 0.10, 0.30, 0.30);
        point(t, "lucky", 1, 0.24, 0.24, 0.24);
        point(t, "lucky", 2, 0.40, 0.40, 0.40);
        // steady: point 1 is best on every seed; without its best seed its mean 0.21 < runner-up 0.30
        point(t, "steady", 0, 0.30, 0.30, 0.30);
        point(t, "steady", 1, 0.20, 0.21, 0.21);
        t.add(seed("steady", 2, 0, 0, 0, TrialState.DIVERGED)); // a diverged seed counts as error 1.0
        t.add(seed("steady", 2, 1, 0.05, 0.06, TrialState.COMPLETED));
        t.add(seed("steady", 2, 2, 0.05, 0.06, TrialState.COMPLETED));
        StudyAnalysis s = analyze(t);

        OptimizerAnalysis lucky = s.optimizers().get("lucky");
        assertThat(lucky.trials()).isEqualTo(3);
        assertThat(lucky.best().trial()).isEqualTo(0);
        assertThat(lucky.best().validationError()).isCloseTo((0.10 + 0.30 + 0.30) / 3, offset(1e-12));
        assertThat(lucky.best().testError()).isCloseTo((0.11 + 0.31 + 0.31) / 3, offset(1e-12));
        SeedSpread sp = lucky.seedSpread();
        assertThat(sp.trials()).containsExactly(0, 1, 2);
        assertThat(sp.seeds()).containsExactly(0L, 1L, 2L);
        assertThat(sp.testMin()).isCloseTo(0.11, offset(1e-12));
        assertThat(sp.testMax()).isCloseTo(0.31, offset(1e-12));
        // sample sd of {0.11, 0.31, 0.31}: mean 0.2433, squares 0.01778 + 2·0.00444 = 0.02667, /2 → sd 0.11547
        assertThat(sp.testSd()).isCloseTo(Math.sqrt(0.02 / 1.5), offset(1e-12));
        assertThat(sp.leaveBestOutMean()).isCloseTo(0.30, offset(1e-12));
        assertThat(sp.runnerUp()).isEqualTo(1);
        assertThat(sp.runnerUpMean()).isCloseTo(0.24, offset(1e-12));
        assertThat(sp.lucky()).isTrue();

        OptimizerAnalysis steady = s.optimizers().get("steady");
        assertThat(steady.best().trial()).isEqualTo(1); // point 2's mean (1 + 0.05 + 0.05)/3 = 0.367 loses
        assertThat(steady.best().validationError()).isCloseTo(0.62 / 3, offset(1e-12));
        assertThat(steady.seedSpread().lucky()).isFalse();
        assertThat(steady.seedSpread().leaveBestOutMean()).isCloseTo(0.21, offset(1e-12));

        String text = AnalysisText.write(new Analyzer(AnalysisOptions.of(1000, 1)).analyze(List.of(new StudyData(
                new StudyDefinition("s", "w", "full", List.of("lucky", "steady"), 3, 1, "halton", Map.of(), Instant.EPOCH, 3,
                        null), t, null))));
        assertThat(text).contains("Seed spread of the best point").containsPattern("lucky\\s+#0\\s+3\\s.*LUCKY");
        String json = AnalysisJson.write(new Analyzer(AnalysisOptions.of(1000, 1)).analyze(List.of(new StudyData(
                new StudyDefinition("s", "w", "full", List.of("lucky", "steady"), 3, 1, "halton", Map.of(), Instant.EPOCH, 3,
                        null), t, null))));
        assertThat(json).contains("\"lucky_seed\" : true", "\"lucky_seed\" : false");
    }

    @Test
    void aPointWithAnUnfinishedSeedIsLeftOut() {
        List<Trial> t = new ArrayList<>();
        point(t, "lucky", 0, 0.3, 0.3, 0.3);
        t.add(seed("lucky", 1, 0, 0.1, 0.1, TrialState.COMPLETED));
        t.add(seed("lucky", 1, 1, 0.1, 0.1, TrialState.COMPLETED));
        t.add(seed("lucky", 1, 2, 0, 0, TrialState.PENDING));
        OptimizerAnalysis a = analyze(t).optimizers().get("lucky");
        assertThat(a.trials()).isEqualTo(1);
        assertThat(a.excluded()).isEqualTo(1);
        assertThat(a.best().trial()).isEqualTo(0);
        assertThat(a.seedSpread().runnerUp()).isNull();
        assertThat(a.seedSpread().lucky()).isFalse();
    }
}
