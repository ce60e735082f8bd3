package dev.optbench.study;

import dev.optbench.train.BatchedTrainer;
import dev.optbench.train.TrainListener;
import dev.optbench.train.TrainRequest;
import dev.optbench.train.TrainResult;
import dev.optbench.train.Trainer;
import dev.optbench.workload.Workloads;
import java.nio.file.Path;
import java.util.List;

/**
 * The production runner: one trial = one training run over the workload's full step budget, a
 * batch of one ({@link BatchedTrainer}: the native passes (MLPs, 2c2d, 3c3d) where they suit,
 * else {@link Trainer}).
 */
public final class TrainerRunner implements TrialRunner {
    private final Path dataDir;
    private final String device;
    private final dev.optbench.optim.OptimizerRegistry optimizers;

    /** Built-in optimizers on the CPU; {@code dataDir} is where the data sets are, null for their default locations. */
    public TrainerRunner(Path dataDir) {
        this(dataDir, "cpu", dev.optbench.optim.OptimizerRegistry.BUILT_IN);
    }

    /**
     * @param device "cpu" or "gpu"
     * @param optimizers the rules a claim's optimizer is looked up in (the worker's plug-ins too)
     */
    public TrainerRunner(Path dataDir, String device, dev.optbench.optim.OptimizerRegistry optimizers) {
        this.dataDir = dataDir;
        this.device = device;
        this.optimizers = optimizers;
    }

    @Override
    public TrainResult run(Claim claim) {
        return train(claim, TrainListener.NONE);
    }

    @Override
    public List<TrainResult> runBatch(List<Claim> claims, TrialProgress progress) {
        return claims.stream().map(c -> train(c, progress.listener(c))).toList();
    }

    private TrainResult train(Claim claim, TrainListener listener) {
        // a batch of one: on the native passes (MLPs, 2c2d, 3c3d) where they suit, else Trainer itself
        return BatchedTrainer.train(List.of(new TrainRequest(claim.workload(), claim.optimizer(), claim.hparams(),
                claim.seed(), 0, dataDir, device).withOptimizers(optimizers)), List.of(listener)).get(0);
    }

    @Override
    public String workloadDefinition(String workload) {
        return Workloads.get(workload).toString();
    }

    @Override
    public String dataDescription(String workload) {
        return dev.optbench.workload.Datasets.load(Workloads.get(workload).data(), dataDir).description(); // cached
    }

    @Override
    public double targetError(String workload) {
        return Workloads.get(workload).targetError();
    }
}
