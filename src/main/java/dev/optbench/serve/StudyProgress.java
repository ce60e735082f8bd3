package dev.optbench.serve;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.study.TrialTally;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a study stands and when it should end. The ETA assumes the running trials are the
 * parallelism that will go on (a worker training K stacked trials runs K): the work left is
 * every pending trial at the mean duration of the finished ones plus what the running ones
 * have left of that mean, shared among the running trials.
 */
public record StudyProgress(Map<TrialState, Integer> counts, Double meanTrialSeconds, Double etaSeconds, String etaNote,
        List<RunningTrial> running) {

    /** A trial being trained now: who holds it and for how long. */
    public record RunningTrial(String optimizer, int index, String worker, Instant started, double elapsedSeconds) {}

    public StudyProgress {
        counts = Map.copyOf(counts);
        running = List.copyOf(running);
    }

    public static StudyProgress of(List<Trial> trials, Instant now) {
        return of(TrialTally.of(trials), now);
    }

    public static StudyProgress of(TrialTally tally, Instant now) {
        Map<TrialState, Integer> counts = tally.counts();
        int timed = tally.timedFinished();
        double seconds = tally.finishedSeconds();
        List<RunningTrial> running = new ArrayList<>();
        for (Trial t : tally.running()) {
            double elapsed = t.started() == null ? 0 : Math.max(0, Duration.between(t.started(), now).toMillis() / 1000.0);
            running.add(new RunningTrial(t.optimizer(), t.index(), t.worker(), t.started(), elapsed));
        }
        Double mean = timed == 0 ? null : seconds / timed;
        int pending = counts.get(TrialState.PENDING);
        if (pending + running.size() == 0) {
            return new StudyProgress(counts, mean, 0.0, "done", running);
        }
        if (running.isEmpty()) {
            return new StudyProgress(counts, mean, null, "no trial is running (start 'optbench study run' or a worker)", running);
        }
        if (mean == null) {
            return new StudyProgress(counts, null, null, "no finished trial with a duration yet", running);
        }
        double left = pending * mean;
        for (RunningTrial r : running) {
            left += Math.max(0, mean - r.elapsedSeconds());
        }
        return new StudyProgress(counts, mean, left / running.size(), "from " + timed + " finished trial"
                + (timed == 1 ? "" : "s") + " and " + running.size() + " running", running);
    }

    public int count(TrialState s) {
        return counts.get(s);
    }

    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Completed or diverged: counted by the analysis. */
    public int finished() {
        return count(TrialState.COMPLETED) + count(TrialState.DIVERGED);
    }
}
