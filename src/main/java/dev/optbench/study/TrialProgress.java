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
     * A listener that passes {@code claim}'s measurements on one evaluation step at a time: when
     * the step's test split arrives, or when a later step begins after an evaluated split
     * (validation, train_eval: a step without a test split). Training-loss-only steps (an
     * external command may print one per step) wait for the next evaluation, so there is never
     * one store write per training step.
     */
    default TrainListener listener(Claim claim) {
        TrialProgress sink = this;
        return new TrainListener() {
            private final List<Measurement> pending = new ArrayList<>();
            private boolean evaluated;

            @Override
            public void onEvaluation(Measurement m) {
                if (evaluated && pending.get(pending.size() - 1).step() != m.step()) {
                    flush();
                }
                pending.add(m);
                evaluated |= m.split() != Split.TRAIN;
                if (m.split() == Split.TEST) {
                    flush();
                }
            }

            private void flush() {
                sink.record(claim, List.copyOf(pending));
                pending.clear();
                evaluated = false;
            }
        };
    }
}
