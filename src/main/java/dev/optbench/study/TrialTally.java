package dev.optbench.study;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A study's progress in a few numbers, read with two small queries instead of every trial: the
 * count per state (every state present), the summed duration and number of the finished
 * (completed or diverged) trials that have one, and the running trials themselves.
 */
public record TrialTally(Map<TrialState, Integer> counts, double finishedSeconds, int timedFinished, List<Trial> running) {

    public TrialTally {
        counts = Map.copyOf(counts);
        running = List.copyOf(running);
    }

    /** The same numbers from a list of trials. */
    public static TrialTally of(List<Trial> trials) {
        Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
        for (TrialState s : TrialState.values()) {
            counts.put(s, 0);
        }
        double seconds = 0;
        int timed = 0;
        for (Trial t : trials) {
            counts.merge(t.state(), 1, Integer::sum);
            if (t.state().countsAsFinished() && t.seconds() > 0) {
                seconds += t.seconds();
                timed++;
            }
        }
        return new TrialTally(counts, seconds, timed, trials.stream().filter(t -> t.state() == TrialState.RUNNING).toList());
    }
}
