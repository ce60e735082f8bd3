package dev.optbench.study;

import dev.optbench.train.TrainResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Runs trials' training for a {@link Worker}. The production runners call the trainer; tests may
 * run other real work. A runner that trains several trials of one study together (SPEC section
 * 10, batched trials) says how many in {@link #batchLimit} and trains them in {@link #runBatch};
 * by default it trains one at a time, a batch of one.
 */
public interface TrialRunner {
    /**
     * Trains {@code claim.optimizer()} with {@code claim.hparams()} and {@code claim.seed()} on
     * {@code claim.workload()} for the full step budget.
     *
     * @throws CancellationException when the thread is interrupted (the trial is then released)
     */
    TrainResult run(Claim claim);

    /** How many trials of {@code workload} to train together; 1 (the default): one at a time. */
    default int batchLimit(String workload) {
        return 1;
    }

    /** How many trials of {@code first}'s study to train together; by default {@link #batchLimit(String)} of its workload. */
    default int batchLimit(Claim first) {
        return batchLimit(first.workload());
    }

    /**
     * Whether a batch that starts with {@code first} should take its optimizer's trials before
     * others': true where the runner trains one stacked group per update rule, one after another,
     * so that a batch mixing six optimizers would run as six small groups. By default false: claim
     * order.
     */
    default boolean batchesOneOptimizerFirst(Claim first) {
        return false;
    }

    /**
     * Trains {@code claims} (one study, so one workload; at most {@link #batchLimit} of them)
     * together; result k belongs to claim k. A trial that fails alone is a
     * {@link dev.optbench.train.RunStatus#FAILED} result; a throw fails every trial of the batch. A
     * null result: the trial did not run to its end (its process crashed); it goes back to pending.
     *
     * @throws CancellationException when the thread is interrupted (the trials are then released)
     */
    default List<TrainResult> runBatch(List<Claim> claims) {
        return claims.stream().map(this::run).toList();
    }

    /**
     * As {@link #runBatch(List)}, handing each trial's evaluations to {@code progress} as they
     * happen (its live curve). By default nothing is handed on: the curve arrives with the result.
     */
    default List<TrainResult> runBatch(List<Claim> claims, TrialProgress progress) {
        return runBatch(claims);
    }

    /** What the engine that ran {@code claim} reported about itself (torch, CUDA, GPU, layout), recorded as provenance. */
    default Map<String, String> runProvenance(Claim claim) {
        return Map.of();
    }

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
