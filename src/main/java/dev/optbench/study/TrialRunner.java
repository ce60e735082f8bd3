package dev.optbench.study;

import dev.optbench.train.TrainResult;
import java.util.concurrent.CancellationException;

/** Runs one trial's training. The production runner calls the trainer; tests may run other real work. */
public interface TrialRunner {
    /**
     * Trains {@code claim.optimizer()} with {@code claim.hparams()} and {@code claim.seed()} on
     * {@code claim.workload()} for the full step budget.
     *
     * @throws CancellationException when the thread is interrupted (the trial is then released)
     */
    TrainResult run(Claim claim);

    /** The workload's full definition, recorded as provenance with each trial. */
    String workloadDefinition(String workload);

    /** The workload's target validation error (for steps to target), NaN if it has none. */
    double targetError(String workload);

    /** What this claim's trial ran, recorded as its provenance; by default its workload's definition. */
    default String workloadDefinition(Claim claim) {
        return workloadDefinition(claim.workload());
    }

    /** This claim's target validation error; by default its workload's. */
    default double targetError(Claim claim) {
        return targetError(claim.workload());
    }

    /** Which data the workload's trials read (e.g. "Fashion-MNIST from DIR"), recorded as provenance; null if none. */
    default String dataDescription(String workload) {
        return null;
    }
}
