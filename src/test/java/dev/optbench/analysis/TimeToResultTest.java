package dev.optbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimeToResultTest {
    /** A trial of 100 steps in {@code seconds}, validation error 0.3 at step 50 and 0.2 at step 100. */
    private static Trial trial(String optimizer, int index, TrialState state, double seconds, String host) {
        List<Measurement> curve = List.of(new Measurement(50, Split.VALIDATION, 1.0, 0.3),
                new Measurement(100, Split.VALIDATION, 0.9, 0.2));
        return new Trial("s", optimizer, index, state, Map.of(), Map.of(), index, "w", Instant.EPOCH, Instant.EPOCH, 100,
                seconds, 0.2, 0.2, null, Map.of("host", host, "batch_trials", "8", "native", "oneMKL AVX2"), null, curve);
    }

    @Test
    void timeToTargetIsInterpolatedFromTheEvaluationSteps() {
        Trial t = trial("a", 0, TrialState.COMPLETED, 10.0, "h");
        assertThat(TimeToResult.secondsTo(t, 0.25)).isEqualTo(10.0); // first at step 100 of 100: all 10 s
        assertThat(TimeToResult.secondsTo(t, 0.35)).isEqualTo(5.0); // step 50 of 100: half of 10 s
        assertThat(TimeToResult.secondsTo(t, 0.1)).isInfinite();
        assertThat(TimeToResult.secondsTo(trial("a", 1, TrialState.DIVERGED, 10.0, "h"), 0.35)).isInfinite();
    }

    @Test
    void theFastestTrialPerOptimizerCountsAndTheHardwareIsListed() {
        List<Trial> trials = List.of(trial("a", 0, TrialState.COMPLETED, 10.0, "h1"), trial("a", 1, TrialState.COMPLETED, 4.0,
                "h1"), trial("b", 0, TrialState.COMPLETED, 12.0, "h2"), trial("b", 1, TrialState.DIVERGED, 1.0, "h2"));
        TimeToResult r = TimeToResult.of(TestTrials.study("s", "w", "full", List.of("a", "b"), trials, 0.35));
        assertThat(r.seconds()).containsEntry("a", 2.0).containsEntry("b", 6.0);
        assertThat(r.trial()).containsEntry("a", 1);
        assertThat(r.reached()).containsEntry("a", 2).containsEntry("b", 1);
        assertThat(r.finished()).containsEntry("b", 2);
        assertThat(r.hardware()).containsExactly(
                "host h1; cores not recorded; 8 trial(s) per batch; engine: oneMKL AVX2",
                "host h2; cores not recorded; 8 trial(s) per batch; engine: oneMKL AVX2");
        assertThat(TimeToResult.ratios(List.of(r))).containsEntry("a", List.of(1.0)).containsEntry("b", List.of(3.0));
    }

    @Test
    void theHardwareNamesTheCoresAndATorchTrialsDeviceAndLayout() {
        Trial djl = trial("a", 0, TrialState.COMPLETED, 10.0, "h1");
        djl = withProvenance(djl, Map.of("host", "h1", "cores", "2", "batch_trials", "8", "native", "oneMKL AVX2"));
        Trial torch = withProvenance(trial("a", 1, TrialState.COMPLETED, 3.0, "g"), Map.of("host", "g", "cores", "16",
                "batch_trials", "32", "engine", "torch", "torch", "2.11.0", "device", "NVIDIA H200",
                "layout", "stacked-grouped+graph K=32"));
        assertThat(TimeToResult.hardware(List.of(djl, torch))).containsExactly(
                "host h1; 2 cores; 8 trial(s) per batch; engine: oneMKL AVX2",
                "host g; 16 cores; 32 trial(s) per batch; engine: torch 2.11.0 on NVIDIA H200, layout stacked-grouped+graph K=32");
    }

    private static Trial withProvenance(Trial t, Map<String, String> provenance) {
        return new Trial(t.study(), t.optimizer(), t.index(), t.state(), t.searched(), t.hparams(), t.seed(), t.worker(),
                t.started(), t.finished(), t.steps(), t.seconds(), t.validationError(), t.testError(), t.stepsToTarget(),
                provenance, t.message(), t.curve(), t.point(), t.repeat(), t.stage());
    }

    @Test
    void scoreIsAlgoPerfsNormalisedIntegralOfTheProfile() {
        // ρ steps to 1 at τ = r on one workload: ∫₁⁴ = 4 − r, divided by r_max − 1 = 3
        assertThat(TimeToResult.score(List.of(1.0))).isEqualTo(1.0);
        assertThat(TimeToResult.score(List.of(2.5))).isCloseTo(0.5, within(1e-12));
        assertThat(TimeToResult.score(List.of(4.0))).isEqualTo(0.0);
        assertThat(TimeToResult.score(List.of(Double.POSITIVE_INFINITY))).isEqualTo(0.0);
        // three workloads: (3 + 1.5 + 0) / (3 · 3)
        assertThat(TimeToResult.score(List.of(1.0, 2.5, Double.POSITIVE_INFINITY))).isCloseTo(0.5, within(1e-12));
    }
}
