package dev.optbench.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counts and the ETA against values worked out by hand. */
class StudyProgressTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void etaSharesThePendingAndTheRestOfTheRunningAmongTheRunning() {
        List<Trial> trials = new ArrayList<>();
        trials.add(trial(0, TrialState.COMPLETED, 10, null));
        trials.add(trial(1, TrialState.DIVERGED, 20, null));
        trials.add(trial(2, TrialState.FAILED, 99, null)); // failed: not a duration of a finished trial
        for (int i = 3; i < 6; i++) {
            trials.add(trial(i, TrialState.PENDING, 0, null));
        }
        trials.add(trial(6, TrialState.RUNNING, 0, NOW.minusSeconds(5)));
        trials.add(trial(7, TrialState.RUNNING, 0, NOW.minusSeconds(20)));
        StudyProgress p = StudyProgress.of(trials, NOW);
        // mean 15 s; left = 3 × 15 + (15 − 5) + max(0, 15 − 20) = 55 s over 2 running trials = 27.5 s
        assertThat(p.meanTrialSeconds()).isEqualTo(15.0);
        assertThat(p.etaSeconds()).isEqualTo(27.5);
        assertThat(p.etaNote()).isEqualTo("from 2 finished trials and 2 running");
        assertThat(p.finished()).isEqualTo(2);
        assertThat(p.count(TrialState.PENDING)).isEqualTo(3);
        assertThat(p.total()).isEqualTo(8);
        assertThat(p.running()).extracting(StudyProgress.RunningTrial::elapsedSeconds).containsExactly(5.0, 20.0);
        assertThat(DashboardPage.eta(p)).isEqualTo("28 s (from 2 finished trials and 2 running)");
    }

    @Test
    void noEtaWithoutRunningOrFinishedTrials() {
        StudyProgress idle = StudyProgress.of(List.of(trial(0, TrialState.COMPLETED, 4, null), trial(1, TrialState.PENDING, 0, null)), NOW);
        assertThat(idle.etaSeconds()).isNull();
        assertThat(idle.etaNote()).contains("no trial is running");
        StudyProgress fresh = StudyProgress.of(List.of(trial(0, TrialState.RUNNING, 0, NOW), trial(1, TrialState.PENDING, 0, null)), NOW);
        assertThat(fresh.etaSeconds()).isNull();
        assertThat(fresh.etaNote()).contains("no finished trial");
        StudyProgress done = StudyProgress.of(List.of(trial(0, TrialState.COMPLETED, 4, null), trial(1, TrialState.FAILED, 0, null)), NOW);
        assertThat(done.etaSeconds()).isZero();
        assertThat(DashboardPage.eta(done)).isEqualTo("done");
    }

    private static Trial trial(int index, TrialState state, double seconds, Instant started) {
        boolean finished = state.countsAsFinished();
        return new Trial("s", "sgd", index, state, Map.of(), Map.of(), 1, started == null ? null : "w" + index, started,
                null, 0, seconds, finished ? 0.5 : null, finished ? 0.5 : null, null, Map.of(), null, List.of());
    }
}
