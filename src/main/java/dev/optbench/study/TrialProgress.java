package dev.optbench.study;

import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import dev.optbench.train.TrainListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a runner hands a running trial's evaluations as they happen; the {@link Worker} stores
 * them as the trial's live curve (the dashboard's). Best effort: the final result carries the
 * whole curve anyway.
 */
@FunctionalInterface
public interface TrialProgress {
    TrialProgress NONE = (claim, evaluations) -> { };

    /** The evaluations of one evaluation step (or several) of {@code claim}'s trial. */
    void record(Claim claim, List<Measurement> evaluations);

    /**
     * A listener that passes {@code claim}'s evaluations on one evaluation step at a time: when
     * the step's test split arrives, or when a later step begins (a step without a test split).
     * Never one store write per training step.
     */
    default TrainListener listener(Claim claim) {
        TrialProgress sink = this;
        return new TrainListener() {
            private final List<Measurement> step = new ArrayList<>();

            @Override
            public void onEvaluation(Measurement m) {
                if (!step.isEmpty() && step.get(0).step() != m.step()) {
                    flush();
                }
                step.add(m);
                if (m.split() == Split.TEST) {
                    flush();
                }
            }

            private void flush() {
                sink.record(claim, List.copyOf(step));
                step.clear();
            }
        };
    }
}
