package dev.optbench.study;

import dev.optbench.train.TrainResult;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * A {@link TrialRunner} that can also train several trials of one study together (SPEC
 * section 10, batched trials). {@link BatchWorker} claims up to {@link #batchLimit} trials and
 * hands them to {@link #runBatch}.
 */
public interface BatchTrialRunner extends TrialRunner {
    /** How many trials of {@code workload} to train together (1: one at a time). */
    int batchLimit(String workload);

    /**
     * Trains {@code claims} (one study, so one workload) together; result k belongs to claim k.
     *
     * @throws CancellationException when the thread is interrupted (the trials are then released)
     */
    List<TrainResult> runBatch(List<Claim> claims);
}
