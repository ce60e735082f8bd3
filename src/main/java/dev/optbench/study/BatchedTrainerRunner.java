package dev.optbench.study;

import dev.optbench.train.BatchedTrainer;
import dev.optbench.train.TrainListener;
import dev.optbench.train.TrainRequest;
import dev.optbench.train.TrainResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The production runner with batched trials: up to K trials of one study through
 * {@link BatchedTrainer} as one stacked model; workloads without a stacked form run one at a time.
 */
public final class BatchedTrainerRunner implements TrialRunner {
    /** {@code batchTrials} value meaning "the K measured fastest for the workload" ({@link BatchedTrainer#autoTrials}). */
    public static final int AUTO = 0;

    private final TrialRunner single;
    private final Path dataDir;
    private final String device;
    private final int batchTrials;
    private final dev.optbench.optim.OptimizerRegistry optimizers;

    /** Built-in workloads and optimizers only; see {@link #BatchedTrainerRunner(TrialRunner, Path, String, int, dev.optbench.optim.OptimizerRegistry)}. */
    public BatchedTrainerRunner(Path dataDir, String device, int batchTrials) {
        this(new TrainerRunner(dataDir, device, dev.optbench.optim.OptimizerRegistry.BUILT_IN), dataDir, device, batchTrials, dev.optbench.optim.OptimizerRegistry.BUILT_IN);
    }

    /**
     * @param single runs every trial that is not batched (external studies, workloads without a stacked form)
     * @param batchTrials K ≥ 1, or {@link #AUTO}
     * @param optimizers the rules a batched claim's optimizer is looked up in (the worker's plug-ins too)
     */
    public BatchedTrainerRunner(TrialRunner single, Path dataDir, String device, int batchTrials, dev.optbench.optim.OptimizerRegistry optimizers) {
        if (batchTrials < 0) {
            throw new IllegalArgumentException("batch trials must be auto or at least 1, not " + batchTrials);
        }
        this.single = single;
        this.dataDir = dataDir;
        this.device = device;
        this.batchTrials = batchTrials;
        this.optimizers = optimizers;
    }

    @Override
    public int batchLimit(String workload) {
        if (ExternalCommand.WORKLOAD.equals(workload) || !BatchedTrainer.supports(workload)) {
            return 1;
        }
        return batchTrials == AUTO ? BatchedTrainer.autoTrials(workload) : batchTrials;
    }

    @Override
    public List<TrainResult> runBatch(List<Claim> claims) {
        return runBatch(claims, TrialProgress.NONE);
    }

    @Override
    public List<TrainResult> runBatch(List<Claim> claims, TrialProgress progress) {
        if (claims.size() == 1 && batchLimit(claims.get(0).workload()) == 1) {
            return single.runBatch(claims, progress);
        }
        List<TrainRequest> requests = new ArrayList<>();
        List<TrainListener> listeners = new ArrayList<>();
        for (Claim c : claims) {
            requests.add(new TrainRequest(c.workload(), c.optimizer(), c.hparams(), c.seed(), 0, dataDir, device)
                    .withOptimizers(optimizers));
            listeners.add(progress.listener(c));
        }
        return BatchedTrainer.train(requests, listeners);
    }

    @Override
    public TrainResult run(Claim claim) {
        return single.run(claim);
    }

    @Override
    public String workloadDefinition(String workload) {
        return single.workloadDefinition(workload);
    }

    @Override
    public double targetError(String workload) {
        return single.targetError(workload);
    }

    @Override
    public String workloadDefinition(Claim claim) {
        return single.workloadDefinition(claim);
    }

    @Override
    public double targetError(Claim claim) {
        return single.targetError(claim);
    }

    @Override
    public String dataDescription(String workload) {
        return single.dataDescription(workload);
    }
}
